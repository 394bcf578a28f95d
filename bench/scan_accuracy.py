#!/usr/bin/env python3
"""Accuracy of `chujing scan`, on a labelled set made by generators and validators this project did not write.

    python3 bench/scan_accuracy.py [N]        # N values per category (default 20,000)

Generators: Faker (zh_CN) for resident IDs, mobile numbers, cards, e-mail, IP and MAC addresses, plates,
names and addresses; python-stdnum's check-digit functions for UnionPay cards, IMEIs and Unified Social
Credit Codes, and to confirm every generated ID, card, IMEI and code is valid; Google's libphonenumber
(`phonenumbers`) to label fixed-line numbers (random numbers it accepts as Chinese fixed lines) and to confirm
Faker's mobile numbers. Decoys: random 18-digit order numbers, 13-digit millisecond timestamps, IDs and cards
with a wrong check digit, random 15- and 16-digit numbers, numbers with a trunk prefix that libphonenumber
rejects, and credit codes (an organisation's identifier: not personal information).

Two measurements:
1. cell by cell, no header, no column context (the classifier alone, via the `classify` example): precision
   and recall per category — the strict view;
2. column by column through `chujing scan --json` with ordinary headers: each column of N values must be
   reported as its category with all N cells, and decoy columns must report no personal information;
3. free text and log lines through `chujing scan --json`: a notes column mixing resident IDs, card numbers
   (each named by 卡号 or card), mobile numbers, e-mail addresses and order numbers, and a .log file
   of `key=value`, `key:value`, `|`, `;` and `,` lines: recall per category (target ≥ 99.5 %), what decoys
   were taken for, and false positives as a share of the decoy cells (target ≤ 0.1 %).

Installs Faker, python-stdnum and phonenumbers from PyPI if absent. Prints Markdown tables (pasted into docs/accuracy.md).
"""
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AS_OF = "2026-11-22"
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
CHUJING = os.environ.get("CHUJING_BIN", os.path.join(TARGET, "release", "chujing"))

try:
    from faker import Faker
    import stdnum
    import phonenumbers
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "faker", "python-stdnum", "phonenumbers"])
    from faker import Faker
    import phonenumbers
from phonenumbers import PhoneNumberType
from stdnum import imei, luhn
from stdnum.cn import ric, uscc

rng = random.Random(7)
fake = Faker("zh_CN")
fake_cards = Faker("en_US")  # the zh_CN locale lists fewer card brands
Faker.seed(7)
today = datetime.date.fromisoformat(AS_OF)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def unique(gen, n):
    out, seen = [], set()
    while len(out) < n:
        v = gen()
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


rejected_ids = 0


def resident_id():
    # Faker's numbers carry a correct check digit; python-stdnum also checks the county code against its own
    # table. Only numbers both accept are labelled resident IDs.
    global rejected_ids
    while True:
        v = fake.ssn()
        try:
            if ric.is_valid(v):
                return v
        except KeyError:  # python-stdnum's county table lacks an entry for some codes
            pass
        rejected_ids += 1


def unionpay():
    body = "62" + "".join(rng.choice("0123456789") for _ in range(rng.choice([13, 14, 15, 16])))
    v = body + luhn.calc_check_digit(body)
    assert luhn.is_valid(v)
    return v


def card():
    if rng.random() < 0.4:
        return unionpay()
    v = fake_cards.credit_card_number(rng.choice(["visa16", "visa19", "mastercard", "jcb16", "discover", "maestro"]))
    if not 16 <= len(v) <= 19:
        return card()
    assert luhn.is_valid(v) and 16 <= len(v) <= 19, v
    return v


def imei_number():
    body = rng.choice(["35", "86", "01", "99"]) + "".join(rng.choice("0123456789") for _ in range(12))
    v = body + luhn.calc_check_digit(body)
    assert imei.is_valid(v), v
    return v


def credit_code():
    while True:
        body = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(
            rng.choice(USCC_ALPHABET) for _ in range(9))
        v = body + uscc.calc_check_digit(body + "0")
        if uscc.is_valid(v):
            return v


def cn_number(v):
    """libphonenumber's verdict on a Chinese number: its type when valid, else None."""
    try:
        n = phonenumbers.parse(v, "CN")
    except phonenumbers.NumberParseException:  # "00…" is the international prefix
        return None
    return phonenumbers.number_type(n) if phonenumbers.is_valid_number_for_region(n, "CN") else None


def trunk_number():
    """A 0 trunk prefix, a 2- to 3-digit area code and a 7- to 8-digit subscriber number, all random."""
    return "0" + "".join(rng.choice("0123456789") for _ in range(rng.choice([9, 10, 11])))


def landline():
    # Random numbers libphonenumber accepts as fixed lines, written as people write them.
    while True:
        v = trunk_number()
        if cn_number(v) == PhoneNumberType.FIXED_LINE:
            n = phonenumbers.parse(v, "CN")
            style = rng.random()
            if style < 0.4:
                return v
            national = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.NATIONAL)
            return national.replace(" ", "-", 1).replace(" ", "") if style < 0.8 else national


def not_a_landline():
    while True:
        v = trunk_number()
        if cn_number(v) is None:
            return v


def wrong_check(valid, alphabet="0123456789"):
    return valid[:-1] + rng.choice([c for c in alphabet if c != valid[-1]])


def is_minor(v):
    b = ric.get_birth_date(v)
    try:
        fourteen = b.replace(year=b.year + 14)
    except ValueError:  # 29 February
        fourteen = b.replace(year=b.year + 14, day=28)
    return fourteen > today


def confirmed_mobile():
    """A Faker mobile number that libphonenumber confirms: its data decides the label (some releases reject
    prefixes Faker lists, such as 149), so the set holds only numbers both independent sources call mobile."""
    while True:
        v = fake.phone_number()
        if cn_number(v) == PhoneNumberType.MOBILE:
            return v


positives = {
    "cn_resident_id": unique(resident_id, N),
    "cn_mobile": unique(confirmed_mobile, N),
    "cn_landline": unique(landline, N),
    "bank_card": unique(card, N),
    "imei": unique(imei_number, N),
    "org_credit_code": unique(credit_code, N),
    "email": unique(fake.email, N),
    "ip_address": unique(lambda: fake.ipv4() if rng.random() < 0.7 else fake.ipv6(), N),
    "mac_address": unique(fake.mac_address, N),
    "vehicle_plate": unique(fake.license_plate, N),
    "address": unique(fake.address, N),
}
minors_in_ids = {v for v in positives["cn_resident_id"] if is_minor(v)}
decoys = {
    "order_number_18": unique(lambda: str(rng.randrange(10**17, 10**18)), N),
    "timestamp_ms_13": unique(lambda: str(rng.randrange(1_600_000_000_000, 1_800_000_000_000)), N),
    "id_wrong_check": [wrong_check(v, "0123456789X") for v in positives["cn_resident_id"]],
    "card_wrong_check": [wrong_check(v) for v in positives["bank_card"]],
    "random_16": unique(lambda: str(rng.randrange(10**15, 10**16)), N),
    "random_15": unique(lambda: str(rng.randrange(10**14, 10**15)), N),
    "trunk_number_invalid": unique(not_a_landline, N),
}
assert all(cn_number(v) == PhoneNumberType.MOBILE for v in positives["cn_mobile"])
# The wrong-check decoys must really be invalid under the independent validators.
assert not any(ric.is_valid(v) for v in decoys["id_wrong_check"])
assert not any(luhn.is_valid(v) for v in decoys["card_wrong_check"])

subprocess.check_call(["cargo", "build", "--release", "-q", "-p", "chujing", "-p", "chujing-scan",
                       "--example", "classify"], cwd=ROOT)
subprocess.check_call(["cargo", "build", "--release", "-q", "-p", "chujing"], cwd=ROOT)

# 1. Cell by cell.
cells, labels = [], []
for cat, values in positives.items():
    for v in values:
        cells.append(v)
        labels.append({cat} | ({"minor_under_14"} if v in minors_in_ids else set()))
for values in decoys.values():
    for v in values:
        cells.append(v)
        labels.append(set())
out = subprocess.run([os.path.join(TARGET, "release", "examples", "classify"), AS_OF],
                     input="\n".join(cells) + "\n", capture_output=True, text=True, check=True).stdout
predictions = [set(filter(None, line.split(","))) for line in out.split("\n")[: len(cells)]]
assert len(predictions) == len(cells)

categories = sorted(set(positives) | {"minor_under_14"})
CHECKED = {"cn_resident_id", "bank_card", "imei", "org_credit_code"}
print(f"### Cell by cell (no header, no column context) — {N:,} values per category, "
      f"{sum(len(v) for v in decoys.values()):,} decoys\n")
print(f"({rejected_ids} Faker IDs that python-stdnum rejected for their county code were left out.)\n")
print("| category | check digit | recall | precision | missed | false positives |")
print("|---|---|---|---|---|---|")
ok = True
for cat in categories:
    tp = sum(1 for l, p in zip(labels, predictions) if cat in l and cat in p)
    fn = sum(1 for l, p in zip(labels, predictions) if cat in l and cat not in p)
    fp = sum(1 for l, p in zip(labels, predictions) if cat not in l and cat in p)
    recall = tp / (tp + fn) if tp + fn else float("nan")
    precision = tp / (tp + fp) if tp + fp else float("nan")
    checked = cat in CHECKED
    meets = ""
    print(f"| `{cat}` | {'yes' if checked else 'no'} | {recall:.4%} | {precision:.4%}{meets} | {fn} | {fp} |")

fp_by_decoy = {}
offset = sum(len(v) for v in positives.values())
for name, values in decoys.items():
    preds = predictions[offset: offset + len(values)]
    offset += len(values)
    hits = {}
    for p in preds:
        for c in p:
            hits[c] = hits.get(c, 0) + 1
    fp_by_decoy[name] = hits
print("\nDecoys taken for something, cell by cell:\n")
print("| decoy | found as |")
print("|---|---|")
for name, hits in fp_by_decoy.items():
    print(f"| {name} | {', '.join(f'{c}: {n}' for c, n in sorted(hits.items())) or 'nothing'} |")

# 2. Column by column, with headers, through the CLI.
tmp = tempfile.mkdtemp(prefix="chujing-accuracy-")
columns = {
    "id_number": positives["cn_resident_id"], "phone": positives["cn_mobile"], "tel": positives["cn_landline"],
    "card_no": positives["bank_card"], "imei": positives["imei"], "credit_code": positives["org_credit_code"],
    "email": positives["email"], "ip": positives["ip_address"], "mac": positives["mac_address"],
    "plate": positives["vehicle_plate"], "address": positives["address"],
    "customer_name": unique(fake.name, N),
    "ref": [positives["cn_resident_id"][i] if i % 2 == 0 else decoys["order_number_18"][i] for i in range(N)],
    "order_no": decoys["order_number_18"], "created_ms": decoys["timestamp_ms_13"],
    "legacy_ref": decoys["id_wrong_check"], "voucher": decoys["card_wrong_check"],
    "serial": decoys["random_16"], "batch": decoys["random_15"], "code": decoys["trunk_number_invalid"],
}
expected = {
    "id_number": "cn_resident_id", "phone": "cn_mobile", "tel": "cn_landline", "card_no": "bank_card", "imei": "imei",
    "credit_code": "org_credit_code", "email": "email", "ip": "ip_address", "mac": "mac_address",
    "plate": "vehicle_plate", "address": "address", "customer_name": "person_name",
}
# A mixed column: half resident IDs, half 18-digit order numbers.
MIXED = "ref"
path = os.path.join(tmp, "labelled.csv")
import csv as csvmod
with open(path, "w", newline="") as f:
    w = csvmod.writer(f)
    w.writerow(columns.keys())
    for row in zip(*columns.values()):
        w.writerow(row)
report = json.loads(subprocess.run(
    [CHUJING, "scan", path, "--json", "--as-of", AS_OF],
    capture_output=True, text=True, check=True).stdout)
print(f"\n### Column by column (`chujing scan --json`, ordinary headers), {N:,} rows\n")
print("| column | expected | reported (cells) |")
print("|---|---|---|")
reported = {}
for col in report["files"][0]["columns"]:
    name = col["name"]
    reported[name] = {f["category"]: f["count"] for f in col["findings"] if f["personal"] or f["category"] == "org_credit_code"}
    found = ", ".join(f"{c} ({n})" for c, n in reported[name].items()) or "nothing"
    want = expected.get(name, "half cn_resident_id, half decoys" if name == MIXED else "no personal information")
    print(f"| {name} | {want} | {found} |")
print("\nPrecision and recall by cell, in context (a cell counts as found when its column reports its category):\n")
print("| category | check digit | recall | precision | target |")
print("|---|---|---|---|---|")
for name, cat in expected.items():
    # The mixed column's IDs are true positives of cn_resident_id too.
    extra = N // 2 if cat == "cn_resident_id" else 0
    tp = min(reported.get(name, {}).get(cat, 0), N) + min(reported.get(MIXED, {}).get(cat, 0), extra)
    fp = sum(cols.get(cat, 0) for other, cols in reported.items() if other != name) - (tp - min(reported.get(name, {}).get(cat, 0), N))
    recall, precision = tp / (N + extra), tp / (tp + fp) if tp + fp else float("nan")
    checked = cat in CHECKED
    meets = recall >= 0.995 and precision >= 0.999
    ok &= meets or not checked
    print(f"| `{cat}` | {'yes' if checked else 'no'} | {recall:.4%} | {precision:.4%} | "
          f"{('met' if meets else 'MISSED') if checked else 'reported'} |")
# Landlines have no check digit and no outside ground truth: libphonenumber's own fixed-line patterns are a
# second opinion, not a label. Its rejects are reported apart rather than counted as leaks.
SECOND_OPINION = "code"
leaks = {name: cols for name, cols in reported.items()
         if name not in expected and name != SECOND_OPINION
         and (cols if name != MIXED else set(cols) - {"cn_resident_id", "minor_under_14"})}
print(f"\ndecoy columns reporting personal information: {leaks or 'none'}")
print(f"numbers libphonenumber rejects that chujing takes for landlines: "
      f"{reported.get(SECOND_OPINION, {}).get('cn_landline', 0):,} of {N:,}")
ok &= not leaks

# 3. Free text and log lines: every value is inside a sentence or a line of a log, with decoys beside it.
def free_text(tmp):
    ids, cards, mobiles, emails = (positives[c] for c in ("cn_resident_id", "bank_card", "cn_mobile", "email"))
    orders = decoys["order_number_18"]
    inserted = {"cn_resident_id": 0, "bank_card": 0, "cn_mobile": 0, "email": 0}
    notes = []
    decoy_cells = {"notes": 0, "log": 0}
    for i in range(N):
        kind = i % 4
        decoy_cells["notes"] += kind in (0, 2)  # an order number beside the values
        if kind == 0:
            notes.append(f"客户来电，证件号 {ids[i]}，手机{mobiles[i]}，订单{orders[i]}")
            inserted["cn_resident_id"] += 1; inserted["cn_mobile"] += 1
        elif kind == 1:
            notes.append(f"退款至卡号{cards[i]}，已通知 {emails[i]}")
            inserted["bank_card"] += 1; inserted["email"] += 1
        elif kind == 2:
            notes.append(f"refund to card {cards[i]} for order {orders[i]}")
            inserted["bank_card"] += 1
        else:
            notes.append(f"核验 {ids[i]} 通过 {mobiles[i]}")
            inserted["cn_resident_id"] += 1; inserted["cn_mobile"] += 1
    path = os.path.join(tmp, "notes.csv")
    with open(path, "w", newline="") as f:
        w = csvmod.writer(f)
        w.writerow(["note"])
        for n in notes:
            w.writerow([n])
    log_inserted = {"cn_resident_id": 0, "bank_card": 0, "cn_mobile": 0, "ip_address": 0}
    lines = []
    ips = positives["ip_address"]
    for i in range(N):
        kind = i % 5
        decoy_cells["log"] += kind in (2, 3, 4)  # an order number or a millisecond timestamp
        if kind == 0:
            lines.append(f"2026-11-22T10:00:{i % 60:02d}Z INFO login uid=7 id_card={ids[i]} mobile={mobiles[i]}")
            log_inserted["cn_resident_id"] += 1; log_inserted["cn_mobile"] += 1
        elif kind == 1:
            lines.append(f"id:{ids[i]}")
            log_inserted["cn_resident_id"] += 1
        elif kind == 2:
            lines.append(f"{i}|{mobiles[i]}|{ips[i]}|{orders[i]}")
            log_inserted["cn_mobile"] += 1; log_inserted["ip_address"] += 1
        elif kind == 3:
            lines.append(f"pay;cardno={cards[i]};ts={decoys['timestamp_ms_13'][i]}")
            log_inserted["bank_card"] += 1
        else:
            lines.append(f"user,{mobiles[i]},{orders[i]}")
            log_inserted["cn_mobile"] += 1
    log = os.path.join(tmp, "app.log")
    with open(log, "w") as f:
        f.write("\n".join(lines) + "\n")
    out = json.loads(subprocess.run([CHUJING, "scan", path, log, "--json", "--as-of", AS_OF],
                                    capture_output=True, text=True, check=True).stdout)
    result = True
    for file, want, title, decoys_in in ((out["files"][0], inserted, "Notes column (free text)", decoy_cells["notes"]),
                                         (out["files"][1], log_inserted, "Log lines (.log, plain text)", decoy_cells["log"])):
        found = {f["category"]: f["count"] for c in file["columns"] for f in c["findings"]}
        print(f"\n### {title}, {N:,} rows\n")
        print("| category | values inserted | found | recall | found beyond those inserted |")
        print("|---|---|---|---|---|")
        for cat, n in want.items():
            got = found.get(cat, 0)
            recall = min(got, n) / n
            result &= recall >= 0.995 or cat not in CHECKED
            print(f"| `{cat}` | {n:,} | {got:,} | {recall:.4%} | {max(got - n, 0):,} |")
        others = {c: n for c, n in found.items() if c not in want and c != "minor_under_14"}
        print(f"\nother categories reported (decoys taken for something): {others or 'none'}")
        # Every value found beyond those inserted is a decoy taken for personal information.
        false_pos = sum(max(found.get(c, 0) - n, 0) for c, n in want.items()) + sum(others.values())
        rate = false_pos / decoys_in
        result &= rate <= 0.001
        print(f"false positives: {false_pos:,} of {decoys_in:,} decoy cells ({rate:.4%}; target ≤ 0.1%)")
    return result

ok &= free_text(tmp)
print(f"\nresult: {'every target met' if ok else 'a target is missed'}")
