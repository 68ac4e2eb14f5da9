"""Waldur's own published Python client (PyPI `waldur-api-client`), unchanged, against the example
server: lists (one page, and all pages through `sync_all`, which follows `Link`) and retrieves of
the Slurm and OpenPortal allocation user usages and the marketplace component user usages, with
filters, `field` and `o`. Every call must decode into that client's own models.

Run by `cargo xtask conformance waldur-client`; by hand:
    .tools/venv/bin/python tests/conformance/waldur_client.py http://127.0.0.1:8080
"""

import sys

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
    one = slurm_one.sync(id=4, client=client)
    check("slurm retrieve", isinstance(one, SlurmAllocationUserUsage) and one.username == "user4", one)

    usages = openportal.sync(client=client, year=2024)
    check("openportal list, filtered by year", len(usages) == 2 and all(isinstance(u, AllocationUserUsage) for u in usages), usages)
    every = openportal.sync_all(client=client)
    check("openportal list, every page", len(every) == 3, every)
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
    one = component.sync(uuid=found[0].uuid, client=client, field=fields)
    check("component retrieve with field", isinstance(one, ComponentUserUsage) and one.username == "carolyn", one)

    print(f"waldur-api-client: {len(checks)} checks over 6 operations passed")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 250)
