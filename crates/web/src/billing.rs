//! Billing, for the owner and admins: the plan, the payment method's status (and, on a free
//! plan without one, what to do about it), and seats used and free in each pool.

use crate::ctx::Ctx;
use crate::errors::{refused, signed_in};
use crate::view::{page, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use roster_service::admin::{Admin, BillingOverview, PoolUsage};

/// One seat pool's line.
pub struct Pool {
    pub name: &'static str,
    pub seats: i64,
    pub used: i64,
    pub free: i64,
}

impl Pool {
    fn of(name: &'static str, p: PoolUsage) -> Self {
        Self {
            name,
            seats: p.seats,
            used: p.used,
            free: p.free(),
        }
    }
}

#[derive(Template)]
#[template(path = "billing.html")]
struct BillingPage {
    c: Chrome,
    b: BillingOverview,
    plan: &'static str,
    pools: Vec<Pool>,
}

/// `GET /billing`
pub async fn show(State(state): State<WebState>, ctx: Ctx) -> Response {
    let s = match signed_in(&ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let b = match state
        .service
        .billing_overview(Admin::me(&s.principal))
        .await
    {
        Ok(b) => b,
        Err(e) => return refused(&ctx, &state, &e),
    };
    let sm = &b.summary;
    let pools = vec![
        Pool::of(ctx.t("billing.pool_licensed"), sm.licensed),
        Pool::of(ctx.t("billing.pool_large"), sm.large_meeting),
        Pool::of(ctx.t("billing.pool_webinar"), sm.webinar),
    ];
    let p = BillingPage {
        c: Chrome::new(&ctx, &state, "billing.title", "billing", "/billing"),
        plan: ctx.t(&format!("billing.plan_{}", b.plan.as_str())),
        b,
        pools,
    };
    page(StatusCode::OK, &p, &p.c, &[])
}
