#!/usr/bin/python3
"""The retail workflow of issue #8 in pandas, step for step as engine/src/batch/retail_workflow.cpp does it.

Usage: retail_pandas.py <csv>. Prints one JSON object: seconds per phase and the results the peer
script compares (final row count, top-5 categories, averages by payment method and by location).
Run with Debian's /usr/bin/python3 (python3-pandas).
"""
import json
import re
import sys
import time

import numpy as np
import pandas as pd


def snake(name):
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    name = re.sub(r"[^0-9A-Za-z\x80-\uffff]+", "_", name).strip("_").lower()
    return name or "column"


def main():
    path = sys.argv[1]
    phases = {}
    mark = time.perf_counter()

    def lap(phase):
        nonlocal mark
        now = time.perf_counter()
        phases[phase] = round(now - mark, 4)
        mark = now

    # 1.1 load
    df = pd.read_csv(path)
    lap("load")

    # 1.2 snake_case, 1.3 types (invalid -> null)
    df.columns = [snake(c) for c in df.columns]
    df["price_per_unit"] = pd.to_numeric(df["price_per_unit"], errors="coerce").astype("float64")
    df["total_spent"] = pd.to_numeric(df["total_spent"], errors="coerce").astype("float64")
    q = pd.to_numeric(df["quantity"], errors="coerce")
    df["quantity"] = q.where(q == np.trunc(q)).astype("Int64")
    df["transaction_date"] = pd.to_datetime(df["transaction_date"], format="%Y-%m-%d", errors="coerce")
    d = df["discount_applied"].astype("string").str.lower()
    df["discount_applied"] = d.map({"true": True, "false": False}).astype("boolean")
    lap("prepare")

    # 2.1 catalogue: (category, price) pairs naming exactly one item
    known = df.dropna(subset=["item", "price_per_unit"])[["category", "item", "price_per_unit"]].drop_duplicates()
    per_key = known.groupby(["category", "price_per_unit"])["item"].nunique()
    unique_keys = per_key[per_key == 1].index
    lookup = (known.set_index(["category", "price_per_unit"]).loc[unique_keys].reset_index()
              .rename(columns={"item": "_catalogue_item"}))

    counts = {"items_recovered": 0, "totals_recomputed": 0, "quantities_filled": 0, "prices_filled": 0,
              "items_recovered_after_fill": 0}
    for round_no in range(10):
        # 2.1 item recovery by join on (category, price_per_unit)
        joined = df.merge(lookup, on=["category", "price_per_unit"], how="left")
        fix = joined["item"].isna() & joined["_catalogue_item"].notna()
        joined.loc[fix, "item"] = joined.loc[fix, "_catalogue_item"]
        df = joined.drop(columns=["_catalogue_item"])
        items = int(fix.sum())
        # 2.2 total = quantity * price where missing
        fix_total = df["total_spent"].isna() & df["quantity"].notna() & df["price_per_unit"].notna()
        df.loc[fix_total, "total_spent"] = df.loc[fix_total, "quantity"].astype("float64") * df.loc[
            fix_total, "price_per_unit"]
        totals = int(fix_total.sum())
        # 2.3 quantity = round(total / price), price = round(total / quantity, 2) where missing
        fix_q = (df["quantity"].isna() & df["total_spent"].notna() & df["price_per_unit"].notna() &
                 (df["price_per_unit"] != 0))
        df.loc[fix_q, "quantity"] = np.round(df.loc[fix_q, "total_spent"] / df.loc[fix_q, "price_per_unit"]).astype(
            "int64")
        fix_p = (df["price_per_unit"].isna() & df["total_spent"].notna() & df["quantity"].notna() &
                 (df["quantity"] != 0))
        df.loc[fix_p, "price_per_unit"] = np.round(
            df.loc[fix_p, "total_spent"] / df.loc[fix_p, "quantity"].astype("float64"), 2)
        filled = int(fix_q.sum()) + int(fix_p.sum())
        if round_no == 0:
            counts["items_recovered"] = items
            counts["totals_recomputed"] = totals
            counts["quantities_filled"] = int(fix_q.sum())
            counts["prices_filled"] = int(fix_p.sum())
        else:
            counts["items_recovered_after_fill"] += items
        if round_no > 0 and items + totals + filled == 0:
            break
    lap("recover")

    # 2.4 drop rows still incomplete
    before = len(df)
    df = df.dropna(subset=["category", "quantity", "total_spent", "price_per_unit"])
    counts["rows_dropped"] = before - len(df)
    lap("drop")

    # 3.1 top-5 categories by units; 3.2 average total_spent by payment method and by location
    units = df.groupby("category")["quantity"].sum().reset_index()
    units = units.sort_values(["quantity", "category"], ascending=[False, True]).head(5)
    top5 = [[c, int(u)] for c, u in zip(units["category"], units["quantity"])]
    by_payment = df.groupby("payment_method")["total_spent"].mean().round(2).sort_index()
    by_location = df.groupby("location")["total_spent"].mean().round(2).sort_index()
    lap("aggregate")

    # 4.1 day_of_week (1 = Monday) and transaction_month
    df["day_of_week"] = df["transaction_date"].dt.dayofweek + 1
    df["transaction_month"] = df["transaction_date"].dt.month
    lap("date_parts")

    print(json.dumps({
        "tool": "pandas " + pd.__version__,
        "phases_s": phases,
        "total_s": round(sum(phases.values()), 4),
        "final_rows": int(len(df)),
        "counts": counts,
        "top5": top5,
        "avg_by_payment": {k: float(v) for k, v in by_payment.items()},
        "avg_by_location": {k: float(v) for k, v in by_location.items()},
    }))


if __name__ == "__main__":
    main()
