#!/usr/bin/env python3
"""Writes resources/samples/retail_store_sales_sample.csv: a small synthetic sales file for the package.

Same columns and the same kinds of gaps as the retail dataset the analyst workflow was built on
(../shared/data/retail_store_sales.csv, which lives outside the repository and is not shipped): an
item's unit price is fixed (Item_<n>: 5.0 + 1.5 * (n - 1)), and some rows lack the item, the unit
price, the quantity with the total, or the discount flag, so every cleaning step has work to do.
Deterministic (fixed seed): running it again gives the identical file. Standard library only.

    python3 installer/make_sample_sales.py [output.csv]
"""
import csv
import datetime
import random
import sys
from pathlib import Path

CATEGORIES = {
    "Beverages": "BEV", "Butchers": "BUT", "Computers and electric accessories": "CEA",
    "Electric household essentials": "EHE", "Food": "FOOD", "Furniture": "FUR",
    "Milk Products": "MILK", "Patisserie": "PAT",
}
HEADER = ["Transaction ID", "Customer ID", "Category", "Item", "Price Per Unit", "Quantity",
          "Total Spent", "Payment Method", "Location", "Transaction Date", "Discount Applied"]


def rows(count, rng):
    start = datetime.date(2024, 1, 1)
    seen = set()
    for _ in range(count):
        txn = rng.randrange(1_000_000, 9_999_999)
        while txn in seen:
            txn = rng.randrange(1_000_000, 9_999_999)
        seen.add(txn)
        category = rng.choice(sorted(CATEGORIES))
        n = rng.randint(1, 25)
        price = 5.0 + 1.5 * (n - 1)
        quantity = float(rng.randint(1, 10))
        row = {
            "Transaction ID": f"TXN_{txn}",
            "Customer ID": f"CUST_{rng.randint(1, 25):02d}",
            "Category": category,
            "Item": f"Item_{n}_{CATEGORIES[category]}",
            "Price Per Unit": f"{price}",
            "Quantity": f"{quantity}",
            "Total Spent": f"{price * quantity}",
            "Payment Method": rng.choice(["Cash", "Credit Card", "Digital Wallet"]),
            "Location": rng.choice(["In-store", "In-store", "Online"]),
            "Transaction Date": (start + datetime.timedelta(days=rng.randrange(366))).isoformat(),
            "Discount Applied": rng.choice(["True", "False", ""]),
        }
        gap = rng.random()
        if gap < 0.10:
            row["Item"] = ""                      # recoverable from category + unit price
        elif gap < 0.15:
            row["Price Per Unit"] = ""            # recoverable from total / quantity
        elif gap < 0.20:
            row["Quantity"] = row["Total Spent"] = ""
        yield row


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else \
        Path(__file__).resolve().parent.parent / "resources" / "samples" / "retail_store_sales_sample.csv"
    rng = random.Random(20261123)
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows(500, rng))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
