//! What every command needs from its environment: where the registry lives
//! and how to read trials from it.

use eligo_model::Trial;
use std::path::PathBuf;

pub struct Context {
    /// `--db` / `ELIGO_DB`.
    pub db: Option<PathBuf>,
}

impl Context {
    pub fn new(db: Option<PathBuf>) -> Self {
        Context { db }
    }

    /// Every trial in the registry (filled from the embedded sample on first use).
    pub fn trials(&self) -> anyhow::Result<Vec<Trial>> {
        anyhow::bail!("the registry store is not wired yet")
    }

    /// One trial by id (NCT id or local id).
    pub fn trial(&self, id: &str) -> anyhow::Result<Option<Trial>> {
        Ok(self.trials()?.into_iter().find(|t| t.id == id))
    }
}
