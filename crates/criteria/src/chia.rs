//! Reading brat-annotated Chia trials and scoring entity extraction against them.
