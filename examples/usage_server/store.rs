//! In-memory implementations of both APIs' server traits: what a real service would back with a
//! database, here a few vectors. Used by the example server and by the end-to-end tests.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use apis::graalsystems::models::Usage;
use apis::graalsystems::server as graal;
use apis::waldur::models::{
    AllocationUserUsage, ComponentUserUsage, ComponentUserUsageField, ComponentUserUsageOrdering,
    SlurmAllocationUserUsage,
};
use apis::waldur::server as waldur;
use apis::waldur::server::Body;

/// Waldur's usage records, with the credentials each call carried.
pub struct WaldurStore {
    slurm: Vec<SlurmAllocationUserUsage>,
    openportal: Vec<AllocationUserUsage>,
    /// Shared with the replies: a record is sent without being copied.
    components: Vec<Arc<ComponentUserUsage>>,
    /// `tokenAuth` or `waldurOIDCAuth`, and the secret, for every call (shared, so a test can
    /// look after the store moved into the router).
    pub seen: Arc<Mutex<Vec<(&'static str, String)>>>,
    /// The one token accepted (as `Token <token>` or `Bearer <token>`); any when `None`.
    pub token: Option<String>,
}

/// One page of `items` as Django REST framework serves it: pages count from 1, `page_size`
/// defaults to 10 and is clamped to 300, and a page past the last is `None` (`invalid_page`).
pub fn page<T: Clone>(items: &[T], page: Option<i64>, page_size: Option<i64>) -> Option<Vec<T>> {
    let size = usize::try_from(page_size.unwrap_or(10).clamp(1, 300)).unwrap_or(10);
    let index = page.unwrap_or(1).checked_sub(1)?;
    let start = usize::try_from(index).ok()?.checked_mul(size)?;
    let past_the_end = start >= items.len() && !(start == 0 && items.is_empty());
    (!past_the_end).then(|| items.iter().skip(start).take(size).cloned().collect())
}

/// Django REST framework's answer to a page past the last (a documented `404`).
fn invalid_page() -> serde_json::Value {
    serde_json::json!({ "detail": "Invalid page." })
}

/// Django REST framework's answer to an unknown record (a documented `404`).
fn not_found() -> serde_json::Value {
    serde_json::json!({ "detail": "No AllocationUserUsage matches the given query." })
}

/// Django REST framework's answer to credentials it does not know (a documented `401`).
fn invalid_token() -> serde_json::Value {
    serde_json::json!({ "detail": "Invalid token." })
}

/// The URL of Slurm allocation `index % 2` (two allocations share the records).
pub fn slurm_allocation_url(index: usize) -> String {
    format!(
        "https://waldur.example/api/slurm-allocations/00000000-0000-4000-8000-0000000000b{}/",
        index % 2
    )
}

/// The URL of the user of Slurm record `index`: its UUID ends in the index.
pub fn user_url(index: usize) -> String {
    format!("https://waldur.example/api/users/00000000-0000-4000-8000-{index:012}/")
}

/// The URL of a marketplace resource, as Waldur writes it.
pub fn resource_url(uuid: uuid::Uuid) -> String {
    format!("https://waldur.example/api/marketplace-resources/{uuid}/")
}

/// The UUID a Waldur object URL ends with (`…/users/<uuid>/`).
fn uuid_of(url: &str) -> Option<uuid::Uuid> {
    url.trim_end_matches('/').rsplit('/').next()?.parse().ok()
}

/// Whether an allocation user usage passes every filter of a Slurm or OpenPortal list: two
/// request types with the same fields, one per cargo feature, so a macro rather than a function.
macro_rules! allocation_usage_matches {
    ($request:expr, $allocation:expr, $user:expr, $month:expr, $year:expr) => {{
        let (request, allocation, user, month, year): (_, &str, Option<&str>, i64, i64) =
            ($request, $allocation, $user, $month, $year);
        let same = |wanted: &Option<String>, value: Option<&str>| {
            wanted.as_deref().is_none_or(|wanted| value == Some(wanted))
        };
        let same_uuid = |wanted: Option<uuid::Uuid>, url: Option<&str>| {
            wanted.is_none_or(|wanted| url.and_then(uuid_of) == Some(wanted))
        };
        same(&request.allocation, Some(allocation))
            && same_uuid(request.allocation_uuid, Some(allocation))
            && same(&request.user, user)
            && same_uuid(request.user_uuid, user)
            && request.month.is_none_or(|wanted| month == wanted)
            && request.year.is_none_or(|wanted| year == wanted)
    }};
}

/// Whether a component usage passes every filter of the marketplace list.
fn component_usage_matches(
    request: &waldur::MarketplaceComponentUserUsagesListRequest,
    usage: &ComponentUserUsage,
) -> bool {
    use chrono::Datelike;
    let period = usage.billing_period;
    let day = usage.date.map(|date| date.date_naive());
    let name = usage.username.as_deref().unwrap_or_default();
    let same_uuid = |wanted: Option<uuid::Uuid>, value: Option<uuid::Uuid>| {
        wanted.is_none_or(|wanted| value == Some(wanted))
    };
    request
        .billing_period_month
        .is_none_or(|month| period.is_some_and(|p| f64::from(p.month()) == month))
        && request
            .billing_period_year
            .is_none_or(|year| period.is_some_and(|p| f64::from(p.year()) == year))
        && request
            .component_usage_billing_period
            .is_none_or(|wanted| period == Some(wanted))
        && same_uuid(request.customer_uuid, usage.customer_uuid)
        && same_uuid(request.offering_uuid, usage.offering_uuid)
        && same_uuid(request.project_uuid, usage.project_uuid)
        && same_uuid(request.resource_uuid, usage.resource_uuid)
        && request
            .resource
            .as_deref()
            .is_none_or(|wanted| usage.resource_uuid.map(resource_url).as_deref() == Some(wanted))
        && request
            .date_after
            .is_none_or(|after| day.is_some_and(|d| d >= after))
        && request
            .date_before
            .is_none_or(|before| day.is_some_and(|d| d <= before))
        && request
            .type_
            .as_deref()
            .is_none_or(|wanted| usage.component_type.as_deref() == Some(wanted))
        && request
            .username
            .as_deref()
            .is_none_or(|part| name.contains(part))
}

/// A record with only the `field`s asked for (Django REST framework's field selection); every
/// field when none is.
fn selected(
    usage: &ComponentUserUsage,
    fields: Option<&[ComponentUserUsageField]>,
) -> ComponentUserUsage {
    let Some(fields) = fields.filter(|fields| !fields.is_empty()) else {
        return usage.clone();
    };
    let Ok(serde_json::Value::Object(mut object)) = serde_json::to_value(usage) else {
        return usage.clone();
    };
    object.retain(|key, _| fields.iter().any(|field| field.as_str() == key));
    serde_json::from_value(serde_json::Value::Object(object)).unwrap_or_else(|_| usage.clone())
}

fn count(items: usize) -> Option<i64> {
    i64::try_from(items).ok()
}

impl WaldurStore {
    /// A store holding `slurm` Slurm records (users `user0`, `user1`, … by record), three
    /// OpenPortal records and four marketplace component records.
    pub fn sample(slurm: usize) -> WaldurStore {
        let slurm = (0..slurm)
            .map(|index| {
                let json = format!(
                    r#"{{"cpu_usage":{cpu},"ram_usage":1024,"gpu_usage":0,"month":{month},"year":2024,
                        "allocation":"{allocation}","user":"{user}","username":"user{index}",
                        "full_name":"User {index}"}}"#,
                    cpu = index * 10,
                    month = index % 12 + 1,
                    allocation = slurm_allocation_url(index),
                    user = user_url(index),
                );
                serde_json::from_str(&json).expect("a valid Slurm record")
            })
            .collect();
        let openportal = serde_json::from_str(
            r#"[{"node_usage":"12.50","month":1,"year":2024,"allocation":"https://waldur.example/api/openportal-allocations/00000000-0000-4000-8000-0000000000a1/","user":null,"username":"ann","full_name":"Ann A"},
                {"node_usage":"3.25","month":2,"year":2024,"allocation":"https://waldur.example/api/openportal-allocations/00000000-0000-4000-8000-0000000000a1/","user":"https://waldur.example/api/users/00000000-0000-4000-8000-000000000008/","username":"bob","full_name":"Bob B"},
                {"month":2,"year":2023,"allocation":"https://waldur.example/api/openportal-allocations/00000000-0000-4000-8000-0000000000a2/","user":"https://waldur.example/api/users/00000000-0000-4000-8000-000000000009/","username":"cy","full_name":"Cy C"}]"#,
        )
        .expect("valid OpenPortal records");
        let components: Vec<ComponentUserUsage> = serde_json::from_str(
            r#"[{"uuid":"7d2c8f9e-4f7e-4a43-9f3c-0c6a1f3d2b11","username":"carol","usage":1.5,"measured_unit":"GB","billing_period":"2024-05-01",
                 "component_type":"storage","date":"2024-05-03T10:00:00Z","customer_uuid":"00000000-0000-4000-8000-0000000000c1",
                 "project_uuid":"00000000-0000-4000-8000-0000000000d1","offering_uuid":"00000000-0000-4000-8000-0000000000e1",
                 "resource_uuid":"00000000-0000-4000-8000-0000000000f1"},
                {"uuid":"8e3d9f0a-5a8f-4b54-8a4d-1d7b2a4e3c22","username":"dave","usage":7.25,"measured_unit":"GB","billing_period":"2024-05-01",
                 "component_type":"storage","date":"2024-05-20T10:00:00Z","customer_uuid":"00000000-0000-4000-8000-0000000000c2",
                 "project_uuid":"00000000-0000-4000-8000-0000000000d2","offering_uuid":"00000000-0000-4000-8000-0000000000e1",
                 "resource_uuid":"00000000-0000-4000-8000-0000000000f2"},
                {"uuid":"9f4e0a1b-6b9a-4c65-9b5e-2e8c3b5f4d33","username":"carolyn","usage":3,"measured_unit":"h","billing_period":"2024-06-01",
                 "component_type":"cpu","date":"2024-06-02T10:00:00Z","customer_uuid":"00000000-0000-4000-8000-0000000000c1",
                 "project_uuid":"00000000-0000-4000-8000-0000000000d1","offering_uuid":"00000000-0000-4000-8000-0000000000e2",
                 "resource_uuid":"00000000-0000-4000-8000-0000000000f3"},
                {"uuid":"a05f1b2c-7cab-4d76-8c6f-3f9d4c6a5e44","username":"erin","user":null,"usage":0.5,"billing_period":"2024-06-01",
                 "component_type":"cpu","date":"2024-06-28T10:00:00Z","customer_uuid":"00000000-0000-4000-8000-0000000000c2",
                 "project_uuid":"00000000-0000-4000-8000-0000000000d2","offering_uuid":"00000000-0000-4000-8000-0000000000e2",
                 "resource_uuid":"00000000-0000-4000-8000-0000000000f4"}]"#,
        )
        .expect("valid component records");
        WaldurStore {
            slurm,
            openportal,
            components: components.into_iter().map(Arc::new).collect(),
            seen: Arc::default(),
            token: None,
        }
    }

    /// Logs the credentials, and says whether they are the accepted token.
    fn admits(&self, credentials: &waldur::Credentials) -> bool {
        let mut seen = self.seen.lock().expect("credentials log");
        let (scheme, secret) = if let Some(token) = &credentials.waldur_oidc_auth {
            ("waldurOIDCAuth", token.to_string())
        } else if let Some(header) = &credentials.token_auth {
            ("tokenAuth", header.to_string())
        } else {
            return false;
        };
        seen.push((scheme, secret.clone()));
        let Some(token) = &self.token else {
            return true;
        };
        let bearer = credentials.waldur_oidc_auth.as_deref() == Some(token.as_str());
        bearer || secret == format!("Token {token}")
    }
}

impl waldur::Api for WaldurStore {
    async fn slurm_allocation_user_usage_list(
        &self,
        request: waldur::SlurmAllocationUserUsageListRequest,
        credentials: waldur::Credentials,
    ) -> waldur::SlurmAllocationUserUsageListReply {
        if !self.admits(&credentials) {
            return waldur::SlurmAllocationUserUsageListReply::Unauthorized(invalid_token());
        }
        let matching: Vec<SlurmAllocationUserUsage> = self
            .slurm
            .iter()
            .filter(|usage| {
                let user = usage.user.as_ref().and_then(Option::as_deref);
                allocation_usage_matches!(
                    &request,
                    &usage.allocation,
                    user,
                    usage.month,
                    usage.year
                )
            })
            .cloned()
            .collect();
        match page(&matching, request.page, request.page_size) {
            Some(body) => waldur::SlurmAllocationUserUsageListReply::Ok {
                body: body.into(),
                x_result_count: count(matching.len()),
            },
            None => waldur::SlurmAllocationUserUsageListReply::NotFound(invalid_page()),
        }
    }

    async fn slurm_allocation_user_usage_retrieve(
        &self,
        request: waldur::SlurmAllocationUserUsageRetrieveRequest,
        credentials: waldur::Credentials,
    ) -> waldur::SlurmAllocationUserUsageRetrieveReply {
        if !self.admits(&credentials) {
            return waldur::SlurmAllocationUserUsageRetrieveReply::Unauthorized(invalid_token());
        }
        let found = usize::try_from(request.id)
            .ok()
            .and_then(|index| self.slurm.get(index));
        match found {
            Some(usage) => waldur::SlurmAllocationUserUsageRetrieveReply::Ok(usage.clone().into()),
            None => waldur::SlurmAllocationUserUsageRetrieveReply::NotFound(not_found()),
        }
    }

    async fn openportal_allocation_user_usage_list(
        &self,
        request: waldur::OpenportalAllocationUserUsageListRequest,
        credentials: waldur::Credentials,
    ) -> waldur::OpenportalAllocationUserUsageListReply {
        if !self.admits(&credentials) {
            return waldur::OpenportalAllocationUserUsageListReply::Unauthorized(invalid_token());
        }
        let matching: Vec<AllocationUserUsage> = self
            .openportal
            .iter()
            .filter(|usage| {
                let user = usage.user.as_ref().and_then(Option::as_deref);
                allocation_usage_matches!(
                    &request,
                    &usage.allocation,
                    user,
                    usage.month,
                    usage.year
                )
            })
            .cloned()
            .collect();
        match page(&matching, request.page, request.page_size) {
            Some(body) => waldur::OpenportalAllocationUserUsageListReply::Ok {
                body: body.into(),
                x_result_count: count(matching.len()),
            },
            None => waldur::OpenportalAllocationUserUsageListReply::NotFound(invalid_page()),
        }
    }

    async fn openportal_allocation_user_usage_retrieve(
        &self,
        request: waldur::OpenportalAllocationUserUsageRetrieveRequest,
        credentials: waldur::Credentials,
    ) -> waldur::OpenportalAllocationUserUsageRetrieveReply {
        if !self.admits(&credentials) {
            return waldur::OpenportalAllocationUserUsageRetrieveReply::Unauthorized(
                invalid_token(),
            );
        }
        let found = usize::try_from(request.id)
            .ok()
            .and_then(|index| self.openportal.get(index));
        match found {
            Some(usage) => {
                waldur::OpenportalAllocationUserUsageRetrieveReply::Ok(usage.clone().into())
            }
            None => waldur::OpenportalAllocationUserUsageRetrieveReply::NotFound(not_found()),
        }
    }

    async fn marketplace_component_user_usages_list(
        &self,
        request: waldur::MarketplaceComponentUserUsagesListRequest,
        credentials: waldur::Credentials,
    ) -> waldur::MarketplaceComponentUserUsagesListReply {
        if !self.admits(&credentials) {
            return waldur::MarketplaceComponentUserUsagesListReply::Unauthorized(invalid_token());
        }
        // References to the shared records: filtered, sorted and paged without a copy.
        let mut matching: Vec<&ComponentUserUsage> = self
            .components
            .iter()
            .map(|usage| &**usage)
            .filter(|usage| component_usage_matches(&request, usage))
            .collect();
        for ordering in request.o.iter().flatten().rev() {
            let usage = |record: &&ComponentUserUsage| record.usage.unwrap_or_default();
            let name = |record: &&ComponentUserUsage| record.username.clone().unwrap_or_default();
            match ordering {
                ComponentUserUsageOrdering::Usage => {
                    matching.sort_by(|a, b| usage(a).total_cmp(&usage(b)))
                }
                ComponentUserUsageOrdering::UsageDesc => {
                    matching.sort_by(|a, b| usage(b).total_cmp(&usage(a)))
                }
                ComponentUserUsageOrdering::Username => matching.sort_by_key(name),
                ComponentUserUsageOrdering::UsernameDesc => {
                    matching.sort_by_key(|r| std::cmp::Reverse(name(r)))
                }
                _ => {}
            }
        }
        match page(&matching, request.page, request.page_size) {
            Some(page) => waldur::MarketplaceComponentUserUsagesListReply::Ok {
                // The page is serialized from the references (a view of the shared records)
                // unless a field selection makes new records.
                body: match request.field.as_deref().filter(|fields| !fields.is_empty()) {
                    Some(fields) => {
                        let page = page.iter().map(|usage| selected(usage, Some(fields)));
                        page.collect::<Vec<_>>().into()
                    }
                    None => Body::view(&page),
                },
                x_result_count: count(matching.len()),
            },
            None => waldur::MarketplaceComponentUserUsagesListReply::NotFound(invalid_page()),
        }
    }

    async fn marketplace_component_user_usages_retrieve(
        &self,
        request: waldur::MarketplaceComponentUserUsagesRetrieveRequest,
        credentials: waldur::Credentials,
    ) -> waldur::MarketplaceComponentUserUsagesRetrieveReply {
        if !self.admits(&credentials) {
            return waldur::MarketplaceComponentUserUsagesRetrieveReply::Unauthorized(
                invalid_token(),
            );
        }
        let found = self
            .components
            .iter()
            .find(|usage| usage.uuid == Some(request.uuid));
        let fields = request.field.as_deref().filter(|fields| !fields.is_empty());
        match found {
            Some(usage) if fields.is_some() => {
                let usage = selected(usage, fields);
                waldur::MarketplaceComponentUserUsagesRetrieveReply::Ok(usage.into())
            }
            Some(usage) => {
                waldur::MarketplaceComponentUserUsagesRetrieveReply::Ok(Arc::clone(usage).into())
            }
            None => waldur::MarketplaceComponentUserUsagesRetrieveReply::NotFound(not_found()),
        }
    }
}

/// GraalSystems usages by tenant, with the access tokens the calls carried.
#[derive(Default)]
pub struct GraalStore {
    usages: Mutex<BTreeMap<String, Vec<Usage>>>,
    /// The bearer token of every call.
    pub tokens: Arc<Mutex<Vec<String>>>,
}

/// The tenant for which every call fails with the documented `500`.
pub const FAILING_TENANT: &str = "unavailable";

/// The tenant whose usages are refused with the documented `400`. (A rule on the usage itself
/// would refuse data the spec allows, which a fuzzer rightly reports.)
pub const REJECTED_TENANT: &str = "rejected";

impl GraalStore {
    fn saw(&self, credentials: &graal::Credentials) {
        if let Some(token) = &credentials.internal {
            self.tokens
                .lock()
                .expect("token log")
                .push(token.to_string());
        }
    }
}

impl graal::Api for GraalStore {
    async fn create_usage(
        &self,
        request: graal::CreateUsageRequest,
        credentials: graal::Credentials,
    ) -> graal::CreateUsageReply {
        self.saw(&credentials);
        if request.x_tenant == FAILING_TENANT {
            return graal::CreateUsageReply::InternalServerError;
        }
        if request.x_tenant == REJECTED_TENANT {
            return graal::CreateUsageReply::BadRequest;
        }
        let mut usages = self.usages.lock().expect("usages");
        usages
            .entry(request.x_tenant)
            .or_default()
            .push(request.body.clone());
        graal::CreateUsageReply::Ok(request.body.into())
    }

    async fn find_usages(
        &self,
        request: graal::FindUsagesRequest,
        credentials: graal::Credentials,
    ) -> graal::FindUsagesReply {
        self.saw(&credentials);
        if request.x_tenant == FAILING_TENANT {
            return graal::FindUsagesReply::InternalServerError;
        }
        let usages = self.usages.lock().expect("usages");
        let found: Vec<Usage> = usages
            .get(&request.x_tenant)
            .into_iter()
            .flatten()
            .filter(|usage| {
                request
                    .from
                    .is_none_or(|from| usage.created.is_some_and(|at| at >= from))
            })
            .filter(|usage| {
                request
                    .to
                    .is_none_or(|to| usage.created.is_some_and(|at| at < to))
            })
            .filter(|usage| {
                request
                    .for_
                    .as_ref()
                    .is_none_or(|reference| usage.product_reference.as_ref() == Some(reference))
            })
            .filter(|usage| {
                let dimensions = usage.dimensions.clone().unwrap_or_default();
                let wanted = request.params.clone().unwrap_or_default();
                wanted
                    .iter()
                    .all(|(key, value)| dimensions.get(key) == Some(value))
            })
            .cloned()
            .collect();
        graal::FindUsagesReply::Ok(found.into())
    }
}
