#!/usr/bin/env python3
"""Writes a CSV of mixed personal information of about SIZE_MB megabytes: names, resident IDs (valid GB 11643
check digits), mobile numbers, UnionPay card numbers (Luhn check digits from python-stdnum), e-mail and IPv4
addresses, free text with a phone number and an address, 18-digit order numbers (decoys) and amounts.

    python3 bench/gen_mixed_pi.py SIZE_MB OUT.csv
"""
import random
import sys

from stdnum import luhn

size_mb, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(3)
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
REGIONS = [110105, 310101, 440305, 510104, 330106, 420102, 610113, 350203]


def resident_id():
    body = (f"{rng.choice(REGIONS)}{rng.randrange(1950, 2020)}{rng.randrange(1, 13):02d}"
            f"{rng.randrange(1, 29):02d}{rng.randrange(0, 1000):03d}")
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


def card():
    body = "62" + str(rng.randrange(10**14, 10**15))
    return body + luhn.calc_check_digit(body)


target = size_mb * 1_000_000
written = 0
i = 0
with open(path, "w") as f:
    f.write("name,id_number,phone,card_no,email,ip,note,order_no,amount\n")
    while written < target:
        lines = []
        for _ in range(10_000):
            lines.append(
                f"张{i % 100},{resident_id()},1{rng.choice('3589')}{rng.randrange(10**8, 10**9)},{card()},"
                f"user{i}@example.com,10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)},"
                f"联系电话1380013{i % 10000:04d} 地址北京市朝阳区建国路{i % 200}号,"
                f"{rng.randrange(10**17, 10**18)},{rng.randrange(100000) / 100}\n")
            i += 1
        chunk = "".join(lines)
        f.write(chunk)
        written += len(chunk.encode())
