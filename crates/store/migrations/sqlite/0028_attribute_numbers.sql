-- Schema v28 (SQLite): every `user_attribute_values.num` as SQLite converts its value. Keep in
-- step with ../postgres/0028_attribute_numbers.sql.
--
-- New users' values were converted by Rust (`str::parse`), updated ones by the triggers'
-- CAST, and SQLite's conversion can differ from Rust's in the last bit (9 of 200,000 random
-- values). The list's attribute filter now seeks `num = CAST(value AS REAL)` in the sort
-- index, so every writer converts in the database (`users::number_of`) and the values stored
-- before are converted again here.
UPDATE user_attribute_values SET num = CAST(value AS REAL)
WHERE attr_key IN (SELECT id FROM custom_attributes WHERE kind = 'number')
  AND num <> CAST(value AS REAL);
