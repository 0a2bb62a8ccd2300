//! Entity extraction as the compiler sees it (Condition, Drug, Procedure, Measurement, Value, Temporal, Negation).
