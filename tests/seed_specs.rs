//! The seed specs lower into the IR with every operation, parameter, body, response and security
//! requirement the seed pages and UPSTREAM.md document. The client and server emitters build on
//! exactly this, so it is checked here before they exist.

use apigen::SpecSource;
use apigen::ir::{
    Api, MediaKind, Method, Operation, Parameter, ParameterLocation, Primitive, SecurityKind,
    Status, Style, TypeRef,
};

fn lower(file: &str) -> Api {
    let path = format!("{}/spec/{file}", env!("CARGO_MANIFEST_DIR"));
    let source = SpecSource {
        display_path: format!("spec/{file}"),
        text: std::fs::read_to_string(&path).expect("spec is readable"),
    };
    let spec = apigen::load::load(&source).expect("spec loads");
    let stem = file.trim_end_matches(".yaml");
    apigen::lower::lower(&spec, stem).expect("spec lowers").api
}

fn operation<'a>(api: &'a Api, id: &str) -> &'a Operation {
    api.operations
        .iter()
        .find(|op| op.id.wire == id)
        .unwrap_or_else(|| panic!("operation {id} is missing"))
}

fn parameter<'a>(operation: &'a Operation, name: &str) -> &'a Parameter {
    operation
        .parameters
        .iter()
        .find(|p| p.name.wire == name)
        .unwrap_or_else(|| panic!("{} has no parameter {name}", operation.id.wire))
}

fn names(operation: &Operation) -> Vec<&str> {
    operation
        .parameters
        .iter()
        .map(|p| p.name.wire.as_str())
        .collect()
}

#[test]
fn waldur_operations_paths_and_parameters() {
    let api = lower("waldur.yaml");
    let operations: Vec<(&str, Method, &str)> = api
        .operations
        .iter()
        .map(|op| (op.id.wire.as_str(), op.method, op.path.as_str()))
        .collect();
    assert_eq!(
        operations,
        [
            (
                "slurm_allocation_user_usage_list",
                Method::Get,
                "/api/slurm-allocation-user-usage/"
            ),
            (
                "slurm_allocation_user_usage_retrieve",
                Method::Get,
                "/api/slurm-allocation-user-usage/{id}/"
            ),
            (
                "openportal_allocation_user_usage_list",
                Method::Get,
                "/api/openportal-allocation-user-usage/"
            ),
            (
                "openportal_allocation_user_usage_retrieve",
                Method::Get,
                "/api/openportal-allocation-user-usage/{id}/"
            ),
            (
                "marketplace_component_user_usages_list",
                Method::Get,
                "/api/marketplace-component-user-usages/"
            ),
            (
                "marketplace_component_user_usages_retrieve",
                Method::Get,
                "/api/marketplace-component-user-usages/{uuid}/"
            ),
        ]
    );
    let slurm_filters = [
        "allocation",
        "allocation_uuid",
        "month",
        "page",
        "page_size",
        "user",
        "user_uuid",
        "year",
    ];
    for id in [
        "slurm_allocation_user_usage_list",
        "openportal_allocation_user_usage_list",
    ] {
        let list = operation(&api, id);
        let mut found = names(list);
        found.sort();
        assert_eq!(found, slurm_filters, "{id}");
        assert!(
            list.parameters
                .iter()
                .all(|p| p.location == ParameterLocation::Query && !p.required)
        );
        assert_eq!(
            parameter(list, "allocation_uuid").ty,
            TypeRef::Primitive(Primitive::Uuid)
        );
        assert_eq!(
            parameter(list, "page").ty,
            TypeRef::Primitive(Primitive::I64)
        );
    }
    let retrieve = operation(&api, "slurm_allocation_user_usage_retrieve");
    let id = parameter(retrieve, "id");
    assert_eq!(
        (id.location, id.required, &id.ty),
        (
            ParameterLocation::Path,
            true,
            &TypeRef::Primitive(Primitive::I64)
        )
    );

    let marketplace = operation(&api, "marketplace_component_user_usages_list");
    assert_eq!(
        marketplace.parameters.len(),
        16,
        "the marketplace list has sixteen filters: {:?}",
        names(marketplace)
    );
    let ordering = parameter(marketplace, "o");
    assert_eq!(
        (ordering.style, ordering.explode),
        (Style::Form, false),
        "o is a comma-joined list"
    );
    assert_eq!(
        ordering.ty,
        TypeRef::Array(Box::new(TypeRef::Named(
            "ComponentUserUsageOrdering".into()
        )))
    );
    let field = parameter(marketplace, "field");
    assert_eq!(
        (field.style, field.explode),
        (Style::Form, true),
        "field repeats its key"
    );
    assert_eq!(
        parameter(marketplace, "billing_period_month").ty,
        TypeRef::Primitive(Primitive::F64)
    );
    assert_eq!(
        parameter(marketplace, "component_usage__billing_period").ty,
        TypeRef::Primitive(Primitive::Date)
    );
    assert_eq!(parameter(marketplace, "type").name.rust, "type_");
    let retrieve = operation(&api, "marketplace_component_user_usages_retrieve");
    assert_eq!(names(retrieve), ["uuid", "field"]);
    assert_eq!(
        parameter(retrieve, "uuid").ty,
        TypeRef::Primitive(Primitive::Uuid)
    );
}

#[test]
fn waldur_responses_headers_and_security() {
    let api = lower("waldur.yaml");
    for op in &api.operations {
        // Upstream declares only 200; 400, 401, 403 and 404 are declared from UPSTREAM.md.
        let statuses: Vec<Status> = op.responses.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [200, 400, 401, 403, 404].map(Status::Code),
            "{}",
            op.id.wire
        );
        for error in &op.responses[1..] {
            assert_eq!(error.contents.len(), 1, "{}", op.id.wire);
            assert_eq!(error.contents[0].media_type, "application/json");
            assert_eq!(error.contents[0].ty, Some(TypeRef::Json), "any JSON");
        }
        let ok = &op.responses[0];
        assert_eq!(ok.status, Status::Code(200));
        assert_eq!(ok.contents.len(), 1);
        assert_eq!(
            (ok.contents[0].media_type.as_str(), ok.contents[0].kind),
            ("application/json", MediaKind::Json)
        );
        let is_list = op.id.wire.ends_with("_list");
        let headers: Vec<&str> = ok.headers.iter().map(|h| h.name.wire.as_str()).collect();
        assert_eq!(
            headers,
            if is_list {
                vec!["x-result-count"]
            } else {
                vec![]
            },
            "{}",
            op.id.wire
        );
        assert!(
            matches!(ok.contents[0].ty, Some(TypeRef::Array(_))) == is_list,
            "{}",
            op.id.wire
        );
        let alternatives: Vec<Vec<&str>> = op
            .security
            .iter()
            .map(|r| r.schemes.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            alternatives,
            [vec!["tokenAuth"], vec!["waldurOIDCAuth"]],
            "{}",
            op.id.wire
        );
    }
    let schemes: Vec<(&str, &SecurityKind)> = api
        .security_schemes
        .iter()
        .map(|s| (s.name.wire.as_str(), &s.kind))
        .collect();
    assert_eq!(
        schemes,
        [
            (
                "tokenAuth",
                &SecurityKind::ApiKey {
                    location: ParameterLocation::Header,
                    parameter: "Authorization".into()
                }
            ),
            (
                "waldurOIDCAuth",
                &SecurityKind::Http {
                    scheme: "bearer".into()
                }
            ),
        ]
    );
    assert!(
        api.servers.is_empty(),
        "Waldur is self-hosted: no default server"
    );
}

#[test]
fn graalsystems_operations_bodies_and_security() {
    let api = lower("graalsystems.yaml");
    assert_eq!(api.servers, ["https://api.graal.systems"]);
    let vendor = "application/vnd.graal.systems.v1.usage+json";

    let create = operation(&api, "create_usage");
    assert_eq!(
        (create.method, create.path.as_str()),
        (Method::Post, "/usages")
    );
    let tenant = parameter(create, "X-Tenant");
    assert_eq!(
        (tenant.location, tenant.required),
        (ParameterLocation::Header, true)
    );
    let body = create
        .request_body
        .as_ref()
        .expect("create_usage has a body");
    assert!(body.required);
    assert_eq!(body.contents.len(), 1);
    assert_eq!(
        (body.contents[0].media_type.as_str(), body.contents[0].kind),
        (vendor, MediaKind::Json)
    );
    assert_eq!(body.contents[0].ty, Some(TypeRef::Named("Usage".into())));

    let find = operation(&api, "find_usages");
    assert_eq!((find.method, find.path.as_str()), (Method::Get, "/usages"));
    assert!(find.request_body.is_none(), "find_usages sends no body");
    assert_eq!(names(find), ["X-Tenant", "from", "to", "for", "params"]);
    assert_eq!(
        parameter(find, "from").ty,
        TypeRef::Primitive(Primitive::DateTime)
    );
    assert_eq!(parameter(find, "for").name.rust, "for_");
    let params = parameter(find, "params");
    assert_eq!((params.style, params.explode), (Style::DeepObject, true));
    assert_eq!(
        params.ty,
        TypeRef::Map(Box::new(TypeRef::Primitive(Primitive::String)))
    );

    for op in [create, find] {
        let statuses: Vec<Status> = op.responses.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [
                Status::Code(200),
                Status::Code(400),
                Status::Code(405),
                Status::Code(500)
            ]
        );
        assert_eq!(op.responses[0].contents[0].media_type, vendor);
        assert!(
            op.responses[1..].iter().all(|r| r.contents.is_empty()),
            "errors have no documented body"
        );
        assert_eq!(op.security.len(), 1);
        assert_eq!(op.security[0].schemes, ["internal"]);
    }
    assert_eq!(
        find.responses[0].contents[0].ty,
        Some(TypeRef::Array(Box::new(TypeRef::Named("Usage".into()))))
    );
    assert!(
        matches!(&api.security_schemes[0].kind, SecurityKind::OAuth2 { token_urls } if token_urls.len() == 1)
    );
}

#[test]
fn the_waldur_lists_are_paginated_by_page_and_page_size() {
    let api = lower("waldur.yaml");
    let paginated: Vec<(&str, &str, Option<&str>, &TypeRef)> = api
        .operations
        .iter()
        .filter_map(|op| {
            let pagination = op.pagination.as_ref()?;
            Some((
                op.id.wire.as_str(),
                pagination.page.wire.as_str(),
                pagination.page_size.as_ref().map(|size| size.wire.as_str()),
                &pagination.item,
            ))
        })
        .collect();
    let named = |name: &str| TypeRef::Named(name.to_owned());
    assert_eq!(
        paginated,
        [
            (
                "slurm_allocation_user_usage_list",
                "page",
                Some("page_size"),
                &named("SlurmAllocationUserUsage")
            ),
            (
                "openportal_allocation_user_usage_list",
                "page",
                Some("page_size"),
                &named("AllocationUserUsage")
            ),
            (
                "marketplace_component_user_usages_list",
                "page",
                Some("page_size"),
                &named("ComponentUserUsage")
            ),
        ]
    );
    let graal = lower("graalsystems.yaml");
    assert!(graal.operations.iter().all(|op| op.pagination.is_none()));
}

#[test]
fn client_type_names_are_claimed_per_operation() {
    let api = lower("graalsystems.yaml");
    let find = operation(&api, "find_usages");
    assert_eq!(find.types.params.as_deref(), Some("FindUsagesParams"));
    assert_eq!(find.types.error.as_deref(), Some("FindUsagesError"));
    assert_eq!(find.types.success, None);
    let variants: Vec<&str> = find.responses.iter().map(|r| r.variant.as_str()).collect();
    assert_eq!(
        variants,
        [
            "Ok",
            "BadRequest",
            "MethodNotAllowed",
            "InternalServerError"
        ]
    );
    let create = operation(&api, "create_usage");
    assert_eq!(
        create.types.params, None,
        "X-Tenant is required, so an argument"
    );

    let waldur = lower("waldur.yaml");
    let list = operation(&waldur, "slurm_allocation_user_usage_list");
    assert_eq!(
        list.responses[0].headers_type.as_deref(),
        Some("SlurmAllocationUserUsageListHeaders")
    );
    assert_eq!(
        list.types.error.as_deref(),
        Some("SlurmAllocationUserUsageListError")
    );
    let variants: Vec<&str> = list.responses.iter().map(|r| r.variant.as_str()).collect();
    assert_eq!(
        variants,
        ["Ok", "BadRequest", "Unauthorized", "Forbidden", "NotFound"]
    );
}
