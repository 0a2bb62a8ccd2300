pub mod sdtm;
