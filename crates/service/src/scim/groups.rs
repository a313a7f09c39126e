//! SCIM Groups: placeholder until the Groups use cases land.
