#!/usr/bin/env python3
"""Writes the deliberately broken FOCUS files of ValidationEngineTest: each is the valid base with one defect.
Run from this directory: python3 make-fixtures.py (the files are checked in; rerun only to change them)."""
import csv, json

def load(name):
    with open(name, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]

def write(name, header, rows):
    with open(name, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header] + rows)

def broken(base, name, row, column, value):
    header, rows = load(base)
    rows = [list(r) for r in rows]
    rows[row][header.index(column)] = value
    write(name, header, rows)

# The valid bases: focus-1.3-tiny.csv with NULL tokens for empty cells and its split-allocated row completed into
# the four allocated rows of its origin charge (AllocatedRatio 0.25 each); five rows of the 1.3 Contract
# Commitment sample.
header, rows = load("../focus/focus-1.3-tiny.csv")
rows = [[v if v != "" else "NULL" for v in r] for r in rows]
alloc = [r for r in rows if r[header.index("AllocatedMethodDetails")] != "NULL"][0]
for target in ["ns/serving", "ns/batch", "ns/notebooks"]:
    extra = list(alloc)
    extra[header.index("AllocatedResourceId")] = target
    extra[header.index("AllocatedResourceName")] = target.split("/")[1]
    rows.append(extra)
# ContractApplied with all five Elements keys and non-null values: the 1.3 model requires all five keys
# (errata #5) and non-null typed values (O-052/O-057/O-061), so only a full element satisfies every rule
# (FOCUS_Spec #2674).
for r in rows:
    applied = r[header.index("ContractApplied")]
    if applied != "NULL":
        doc = json.loads(applied)
        for e in doc["Elements"]:
            e.setdefault("ContractCommitmentAppliedQuantity", float(r[header.index("PricingQuantity")]))
            e.setdefault("ContractCommitmentAppliedUnit", r[header.index("PricingUnit")])
        r[header.index("ContractApplied")] = json.dumps(doc)
write("cost-and-usage-valid.csv", header, rows)
with open("../../../shared/focus/samples/focus-1.3-contractcommitment-sample.csv", newline="") as f:
    cc = list(csv.reader(f))[:6]
write("contract-commitment-valid.csv", cc[0], cc[1:])

CAU = "cost-and-usage-valid.csv"
broken(CAU, "null-billedcost.csv", 0, "BilledCost", "NULL")
broken(CAU, "lowercase-chargecategory.csv", 2, "ChargeCategory", "tax")
broken(CAU, "chargeperiodend-not-after-start.csv", 0, "ChargePeriodEnd", "2026-01-05T00:00:00Z")
broken(CAU, "listcost-mismatch.csv", 0, "ListCost", "99.5")
broken(CAU, "tags-nested-object.csv", 0, "Tags", json.dumps({"team": {"name": "search"}}))
broken(CAU, "billingcurrency-not-iso.csv", 0, "BillingCurrency", "usd")
header, rows = load(CAU)
alloc = [i for i, r in enumerate(rows) if r[header.index("AllocatedMethodDetails")] not in ("", "NULL")][0]
broken(CAU, "allocatedratio-not-one.csv", alloc, "AllocatedMethodDetails",
       json.dumps({"Elements": [{"AllocatedRatio": 0.4, "UsageUnit": "GPU-Hours", "UsageQuantity": 1}]}))
# one commitment under two contracts: row 1 applies EDP-1-2026 (row 0's commitment of contract EDP-1) as if it
# belonged to contract EDP-2; the element is complete, so only the parent/child rule can fail
header, rows = load(CAU)
r1 = rows[1]
applied = {"Elements": [{"ContractId": "EDP-2", "ContractCommitmentId": "EDP-1-2026",
                         "ContractCommitmentAppliedCost": float(r1[header.index("EffectiveCost")]),
                         "ContractCommitmentAppliedQuantity": float(r1[header.index("PricingQuantity")]),
                         "ContractCommitmentAppliedUnit": r1[header.index("PricingUnit")]}]}
broken(CAU, "contractcommitment-two-contracts.csv", 1, "ContractApplied", json.dumps(applied))
header, rows = load("contract-commitment-valid.csv")
write("duplicate-contractcommitmentid.csv", header, rows + [rows[0]])
# two origin charges that share every FOCUS dimension (like a Savings Plan hour's covered row and its negation),
# each split into the same four allocated rows: without an origin id the engine sees one origin with ratios summing
# to 2 (8 rows); aifocus's x_SourceRecordId ("<origin>#<part>") tells them apart, and the file is valid
header, rows = load(CAU)
allocated = [r for r in rows if r[header.index("AllocatedMethodDetails")] != "NULL"]
write("allocatedratio-shared-dimensions.csv", header, rows + [list(r) for r in allocated])
others = [r + ["src-%d" % i] for i, r in enumerate(r for r in rows if r[header.index("AllocatedMethodDetails")] == "NULL")]
parts = [r + ["origin-%d#%d" % (o, p)] for o in (1, 2) for p, r in enumerate(allocated, start=1)]
write("allocatedratio-two-origins.csv", header + ["x_SourceRecordId"], others + parts)
