-- Schema v28 (PostgreSQL): every `user_attribute_values.num` as PostgreSQL converts its value.
-- Keep in step with ../sqlite/0028_attribute_numbers.sql.
--
-- New users' values were converted by Rust (`str::parse`), updated ones by the trigger's cast.
-- Both round correctly here, so this should change nothing; it makes sure, now that the list's
-- attribute filter seeks `num = CAST(value AS DOUBLE PRECISION)` in the sort index and every
-- writer converts in the database (`users::number_of`).
UPDATE user_attribute_values v SET num = v.value::double precision
FROM custom_attributes d
WHERE d.id = v.attr_key AND d.kind = 'number' AND v.value ~ '^-?[0-9]+(\.[0-9]+)?$'
  AND v.num <> v.value::double precision;
