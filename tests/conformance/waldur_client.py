"""Waldur's own published Python client (PyPI `waldur-api-client`), unchanged, against the example
server: lists (one page, and all pages through `sync_all`, which follows `Link`) and retrieves of
the Slurm and OpenPortal allocation user usages and the marketplace component user usages, with
filters, `field` and `o`. Every call must decode into that client's own models.

Run by `cargo xtask conformance waldur-client`; by hand:
    .tools/venv/bin/python tests/conformance/waldur_client.py http://127.0.0.1:8080
"""

import datetime
import sys
from uuid import UUID

from waldur_api_client import AuthenticatedClient
from waldur_api_client.api.marketplace_component_user_usages import (
    marketplace_component_user_usages_list as components,
    marketplace_component_user_usages_retrieve as component,
)
from waldur_api_client.api.openportal_allocation_user_usage import (
    openportal_allocation_user_usage_list as openportal,
    openportal_allocation_user_usage_retrieve as openportal_one,
)
from waldur_api_client.api.slurm_allocation_user_usage import (
    slurm_allocation_user_usage_list as slurm,
    slurm_allocation_user_usage_retrieve as slurm_one,
)
from waldur_api_client.models.allocation_user_usage import AllocationUserUsage
from waldur_api_client.models.component_user_usage import ComponentUserUsage
from waldur_api_client.models.component_user_usage_field_enum import ComponentUserUsageFieldEnum
from waldur_api_client.models.component_user_usage_o_enum import ComponentUserUsageOEnum
from waldur_api_client.models.slurm_allocation_user_usage import SlurmAllocationUserUsage

checks = []


def check(name, condition, detail=""):
    checks.append(name)
    if not condition:
        raise SystemExit(f"FAIL {name}: {detail}")
    print(f"  ok    {name}")


def main(base_url, expected_slurm):
    client = AuthenticatedClient(base_url=base_url, token="demo", prefix="Token")

    page = slurm.sync(client=client, page=1, page_size=10)
    check("slurm list, one page", len(page) == 10 and all(isinstance(u, SlurmAllocationUserUsage) for u in page), page)
    every = slurm.sync_all(client=client)
    check("slurm list, every page (sync_all follows Link)", len(every) == expected_slurm, len(every))
    march = slurm.sync_all(client=client, month=3, year=2024)
    expected = [f"user{index}" for index in range(expected_slurm) if index % 12 == 2]
    check("slurm list, filtered by month and year", [u.username for u in march] == expected, march)
    # Every filter the spec declares is applied: the records that come back are the right ones.
    def user_url(index):
        return f"https://waldur.example/api/users/00000000-0000-4000-8000-{index:012d}/"

    def slurm_allocation(index):
        return f"https://waldur.example/api/slurm-allocations/00000000-0000-4000-8000-0000000000b{index % 2}/"

    def user_uuid(index):
        return UUID(f"00000000-0000-4000-8000-{index:012d}")

    odd = slurm.sync_all(client=client, allocation=slurm_allocation(1))
    check("slurm list, filtered by allocation", [u.username for u in odd] == [f"user{i}" for i in range(expected_slurm) if i % 2 == 1], len(odd))
    even = slurm.sync_all(client=client, allocation_uuid=UUID("00000000-0000-4000-8000-0000000000b0"))
    check("slurm list, filtered by allocation_uuid", [u.username for u in even] == [f"user{i}" for i in range(expected_slurm) if i % 2 == 0], len(even))
    seventh = slurm.sync(client=client, user=user_url(7))
    check("slurm list, filtered by user", [u.username for u in seventh] == ["user7"], seventh)
    seventh = slurm.sync(client=client, user_uuid=user_uuid(7))
    check("slurm list, filtered by user_uuid", [u.username for u in seventh] == ["user7"], seventh)
    one = slurm_one.sync(id=4, client=client)
    check("slurm retrieve", isinstance(one, SlurmAllocationUserUsage) and one.username == "user4", one)

    usages = openportal.sync(client=client, year=2024)
    check("openportal list, filtered by year", len(usages) == 2 and all(isinstance(u, AllocationUserUsage) for u in usages), usages)
    every = openportal.sync_all(client=client)
    check("openportal list, every page", len(every) == 3, every)
    february = openportal.sync(client=client, month=2)
    check("openportal list, filtered by month", [u.username for u in february] == ["bob", "cy"], february)
    found = openportal.sync(client=client, user="https://waldur.example/api/users/00000000-0000-4000-8000-000000000009/")
    check("openportal list, filtered by user", [u.username for u in found] == ["cy"], found)
    found = openportal.sync(client=client, user_uuid=UUID("00000000-0000-4000-8000-000000000008"))
    check("openportal list, filtered by user_uuid", [u.username for u in found] == ["bob"], found)
    found = openportal.sync(client=client, allocation_uuid=UUID("00000000-0000-4000-8000-0000000000a2"))
    check("openportal list, filtered by allocation_uuid", [u.username for u in found] == ["cy"], found)
    found = openportal.sync(client=client, allocation="https://waldur.example/api/openportal-allocations/00000000-0000-4000-8000-0000000000a1/")
    check("openportal list, filtered by allocation", [u.username for u in found] == ["ann", "bob"], found)
    one = openportal_one.sync(id=0, client=client)
    check("openportal retrieve", isinstance(one, AllocationUserUsage) and one.username == "ann", one)

    fields = [ComponentUserUsageFieldEnum.UUID, ComponentUserUsageFieldEnum.USERNAME, ComponentUserUsageFieldEnum.USAGE]
    # The published client sends `o` as repeated keys (`o=-usage&o=username`); the server accepts
    # them as well as the one comma-separated value the spec declares.
    ordering = [ComponentUserUsageOEnum.VALUE_1, ComponentUserUsageOEnum.USERNAME]
    found = components.sync(client=client, username="carol", field=fields, o=ordering)
    names = [u.username for u in found]
    check("component list, filtered, field and o", names == ["carolyn", "carol"] and all(isinstance(u, ComponentUserUsage) for u in found), names)
    every = components.sync_all(client=client, o=[ComponentUserUsageOEnum.USERNAME])
    check("component list, every page, ordered", [u.username for u in every] == ["carol", "carolyn", "dave", "erin"], every)
    by_name = [ComponentUserUsageOEnum.USERNAME]

    def names_for(**filters):
        return [u.username for u in components.sync(client=client, o=by_name, **filters)]

    for name, filters, expected in [
        ("billing_period_month", {"billing_period_month": 6.0}, ["carolyn", "erin"]),
        ("billing_period_year", {"billing_period_year": 2024.0}, ["carol", "carolyn", "dave", "erin"]),
        ("component_usage__billing_period", {"component_usage_billing_period": datetime.date(2024, 5, 1)}, ["carol", "dave"]),
        ("customer_uuid", {"customer_uuid": UUID("00000000-0000-4000-8000-0000000000c2")}, ["dave", "erin"]),
        ("date_after", {"date_after": datetime.date(2024, 6, 2)}, ["carolyn", "erin"]),
        ("date_before", {"date_before": datetime.date(2024, 5, 20)}, ["carol", "dave"]),
        ("offering_uuid", {"offering_uuid": UUID("00000000-0000-4000-8000-0000000000e1")}, ["carol", "dave"]),
        ("project_uuid", {"project_uuid": UUID("00000000-0000-4000-8000-0000000000d1")}, ["carol", "carolyn"]),
        ("resource", {"resource": "https://waldur.example/api/marketplace-resources/00000000-0000-4000-8000-0000000000f3/"}, ["carolyn"]),
        ("resource_uuid", {"resource_uuid": UUID("00000000-0000-4000-8000-0000000000f4")}, ["erin"]),
        ("type", {"type_": "cpu"}, ["carolyn", "erin"]),
    ]:
        got = names_for(**filters)
        check(f"component list, filtered by {name}", got == expected, got)
    # `field` selects what each record carries: only the named fields come back.
    only = components.sync(client=client, field=[ComponentUserUsageFieldEnum.USERNAME], o=by_name)
    raw = [u.to_dict() for u in only]
    check("component list, field selects the fields sent", raw and all(set(r) == {"username"} for r in raw), raw)
    one = component.sync(uuid=found[0].uuid, client=client, field=fields)
    check("component retrieve with field", isinstance(one, ComponentUserUsage) and one.username == "carolyn", one)

    print(f"waldur-api-client: {len(checks)} checks over 6 operations passed")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 250)
