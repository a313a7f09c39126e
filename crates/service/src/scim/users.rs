//! SCIM Users: placeholder until the Users use cases land.
