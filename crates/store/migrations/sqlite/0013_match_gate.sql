-- The trial's own conditions (MATCHING.md rule 12) in the match index, so
-- that the matcher rules out a trial for a condition the patient does not
-- have without reading its rule set (issue 16: matching every trial).
-- Written by the caller with the rest of the entry (opaque text); NULL
-- for rows written before this column, which the server fills in from
-- the stored rule sets once. Keep in step with ../postgres/0013_match_gate.sql.
ALTER TABLE match_index ADD COLUMN gate TEXT;
