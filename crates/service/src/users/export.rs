//! CSV export (`GET /v2/users/export`, `roster users export`): the users of one status with the
//! import's columns, read in keyset pages so memory does not grow with the account. Cells a
//! spreadsheet would run as formulas are escaped with a leading `'` (import strips it again,
//! so an export imports unchanged).

use super::import::{escape_cell, Column};
use super::{open_account, require, CustomAttribute};
use crate::{Error, Result, Service};
use roster_domain::{Principal, Privilege, UserStatus};
use roster_store::users::{self, ListFilter, UserRecord};
use roster_store::{groups, roles, Db};
use std::collections::HashMap;

/// Users per page read from the store.
const PAGE: u32 = 1000;

/// An export in progress: call [`Exporter::next_chunk`] until it gives `None`.
pub struct Exporter {
    db: Db,
    principal: Principal,
    status: UserStatus,
    roles: HashMap<String, String>,
    groups: HashMap<String, String>,
    after: Option<String>,
    header_done: bool,
    done: bool,
}

impl std::fmt::Debug for Exporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exporter")
            .field("status", &self.status)
            .field("after", &self.after)
            .finish_non_exhaustive()
    }
}

fn csv_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("writing CSV: {e}"))
}

impl Exporter {
    /// The next piece of the file (the header first); `None` at the end.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>> {
        let mut out = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        if !self.header_done {
            self.header_done = true;
            out.write_record(Column::ALL.iter().map(|c| c.title()))
                .map_err(csv_error)?;
            return out.into_inner().map(Some).map_err(csv_error);
        }
        if self.done {
            return Ok(None);
        }
        let mut conn = self.db.read().await?;
        let page = users::list(
            &mut conn,
            &ListFilter {
                account: &self.principal.account_id,
                status: self.status,
                role_id: None,
                groups: self.principal.group_scope.as_deref(),
                search: None,
                sort: users::Sort::default(),
                cursor: self.after.as_deref().map(users::Cursor::after_email),
                offset: 0,
                limit: PAGE,
                attribute: None,
                user_type: None,
                group_id: None,
                dept: None,
            },
        )
        .await?;
        drop(conn);
        if page.len() < PAGE as usize {
            self.done = true;
        }
        let Some(last) = page.last() else {
            return Ok(None);
        };
        self.after = Some(last.email.to_string());
        for u in &page {
            let cells = self.cells(u);
            out.write_record(cells.iter().map(|c| escape_cell(c).into_owned()))
                .map_err(csv_error)?;
        }
        out.into_inner().map(Some).map_err(csv_error)
    }

    fn cells(&self, u: &UserRecord) -> [String; 11] {
        let role = u.role.builtin_name().map_or_else(
            || self.roles.get(u.role.id()).cloned().unwrap_or_default(),
            str::to_owned,
        );
        let group = u
            .group_id
            .as_ref()
            .and_then(|g| self.groups.get(g))
            .cloned()
            .unwrap_or_default();
        let attrs: Vec<CustomAttribute> =
            serde_json::from_str(&u.custom_attributes).unwrap_or_default();
        let attrs: Vec<String> = attrs
            .iter()
            // By name, which people read and the import accepts (keys are generated ids).
            .map(|a| {
                let name = if a.name.is_empty() { &a.key } else { &a.name };
                format!("{name}={}", a.value)
            })
            .collect();
        [
            u.email.to_string(),
            u.first_name.clone(),
            u.last_name.clone(),
            u.user_type.name().to_owned(),
            u.dept.clone(),
            u.job_title.clone(),
            u.location.clone(),
            u.manager.clone(),
            group,
            role,
            attrs.join(";"),
        ]
    }
}

fn parse_status(status: Option<&str>) -> Result<UserStatus> {
    match status.map(str::trim) {
        None | Some("") => Ok(UserStatus::Active),
        Some(s) => UserStatus::parse(s)
            .ok_or_else(|| Error::invalid("status", "status must be active, inactive or pending")),
    }
}

impl Service {
    /// Starts exporting the caller's users of `status` (default `active`). Needs `User:Read`;
    /// a role limited to some groups exports only their users.
    #[tracing::instrument(skip_all)]
    pub async fn export_users(
        &self,
        principal: &Principal,
        status: Option<&str>,
    ) -> Result<Exporter> {
        let status = parse_status(status)?;
        if !principal.acts_as.is_admin() {
            require(principal, Privilege::UserRead)?;
        }
        let mut conn = self.db.read().await?;
        open_account(&mut conn, principal).await?;
        let roles = roles::list(&mut conn, &principal.account_id)
            .await?
            .into_iter()
            .map(|r| (r.id, r.name))
            .collect();
        let groups = groups::list(
            &mut conn,
            &principal.account_id,
            groups::GroupKind::Settings,
        )
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
        Ok(Exporter {
            db: self.db.clone(),
            principal: principal.clone(),
            status,
            roles,
            groups,
            after: None,
            header_done: false,
            done: false,
        })
    }

    /// [`Service::export_users`] as the operator (the CLI), with the Owner's view of
    /// `account_id`.
    pub async fn export_users_as_operator(
        &self,
        account_id: &str,
        status: Option<&str>,
    ) -> Result<Exporter> {
        let principal = self.operator_principal(account_id).await?;
        self.export_users(&principal, status).await
    }
}
