#!/usr/bin/env python3
"""Install test of the Debian package (label "installer"; tests/installer/CMakeLists.txt).

Builds the .deb with CPack from the build directory into a temporary folder, checks its control data
(dependencies from dpkg-shlibdeps, description, section) and file list, installs it into a clean
temporary root with `dpkg --root` (no root rights needed: --force-not-root; the root holds no other
packages, so --force-depends and the host's libraries stand in for the dependencies), falls back to
`dpkg-deb -x` when dpkg refuses, and then runs the installed programs from that root:
`cityops --version`, a headless scenario by name and by the installed scenario file, the retail
workflow on the installed sample CSV, `cityops-engine --version`, `cityops-gateway --version`. It
checks the installed desktop entry, AppStream metainfo, icons, man pages (and that they document
every command-line option the parsers accept), translations and scenarios.

    test_install_deb.py --build-dir B --source-dir S --cpack CPACK [--lconvert L] [--keep]
Standard library only.
"""
import argparse
import configparser
import gzip
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

FAILURES = []


def check(condition, message):
    if condition:
        print(f"ok   {message}")
    else:
        print(f"FAIL {message}")
        FAILURES.append(message)
    return condition


def run(cmd, **kwargs):
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)


def build_package(args, work):
    out = work / "package"
    out.mkdir()
    r = run([args.cpack, "-G", "DEB", "--config", Path(args.build_dir) / "CPackConfig.cmake", "-B", out])
    if r.returncode != 0:
        print(r.stdout[-4000:], r.stderr[-4000:])
        sys.exit("cpack failed")
    debs = sorted(out.glob("*.deb"))
    if len(debs) != 1:
        sys.exit(f"expected one .deb in {out}, found {debs}")
    return debs[0]


def control_fields(deb):
    r = run(["dpkg-deb", "--field", deb])
    check(r.returncode == 0, "dpkg-deb --field reads the package")
    fields, key = {}, None
    for line in r.stdout.splitlines():
        if line.startswith((" ", "\t")) and key:
            fields[key] += "\n" + line
        elif ":" in line:
            key, value = line.split(":", 1)
            fields[key] = value.strip()
    return fields


def install(deb, root):
    """dpkg with a temporary root and database; dpkg-deb -x if dpkg is refused here."""
    admin = root / "var/lib/dpkg"
    for sub in ("info", "updates", "triggers"):
        (admin / sub).mkdir(parents=True, exist_ok=True)
    (admin / "status").touch()
    (admin / "available").touch()
    # dpkg looks for ldconfig and start-stop-daemon on PATH, which lacks the sbin folders for users.
    env = dict(os.environ, PATH=os.environ.get("PATH", "/usr/bin:/bin") + ":/usr/local/sbin:/usr/sbin:/sbin")
    r = run(["dpkg", f"--root={root}", f"--admindir={admin}", "--log=/dev/null", "--force-not-root",
             "--force-depends", "--force-script-chrootless", "--no-triggers", "-i", deb], env=env)
    if r.returncode == 0:
        status = (admin / "status").read_text()
        check(re.search(r"^Package: cityops\n(?:.+\n)*?Status: install ok installed", status, re.M) is not None,
              "dpkg --root recorded cityops as installed in the temporary root")
        return "dpkg"
    print(f"dpkg --root refused ({r.returncode}): {r.stderr.strip()[-2000:]}\nfalling back to dpkg-deb -x")
    r = run(["dpkg-deb", "-x", deb, root])
    check(r.returncode == 0, "dpkg-deb -x unpacks the package")
    return "dpkg-deb -x"


def man_text(path):
    data = path.read_bytes()
    return gzip.decompress(data).decode() if path.suffix == ".gz" else data.decode()


def check_man_pages(root, source_dir):
    man1 = root / "usr/share/man/man1"
    pages = {}
    for name in ("cityops", "cityops-engine", "cityops-gateway"):
        found = [p for p in (man1 / f"{name}.1.gz", man1 / f"{name}.1") if p.exists()]
        if check(bool(found), f"man page {name}(1) installed"):
            text = man_text(found[0])
            check(text.lstrip().startswith(".\\\"") or ".TH" in text, f"{name}.1 is roff with a .TH header")
            pages[name] = text.replace("\\-", "-")
    # Where each program's options are defined: the comparisons of the parser (cityops and its
    # commands) or the usage text (engine, gateway). Options marked test-only are left out of --help
    # and the man page on purpose.
    parsed = r'QLatin1String\("(--[a-z][a-z-]*[a-z])"\)'
    usage = r"(--[a-z][a-z-]*[a-z])"
    sources = {
        "cityops": [("app/cli_options.cpp", "CliParseResult parseCommandLine", parsed),
                    ("app/analyze_command.cpp", "", parsed), ("app/batch_command.cpp", "", parsed),
                    ("app/audit_command.cpp", "", parsed), ("app/sql_command.cpp", "kUsage =", usage)],
        "cityops-engine": [("app/engine_worker/engine_worker_cli.cpp", "std::string engineWorkerUsage", usage)],
        "cityops-gateway": [("app/gateway/gateway_cli.cpp", "std::string gatewayUsage", usage)],
    }
    for name, files in sources.items():
        if name not in pages:
            continue
        options = set()
        for relative, marker, pattern in files:
            text = (source_dir / relative).read_text()
            if marker:
                text = text[text.index(marker):]
                text = text[:text.index(";\n" if marker.endswith("=") else "\n}\n")]
            text = "\n".join(line for line in text.splitlines() if "test-only" not in line)
            options |= set(re.findall(pattern, text))
        check(len(options) >= 5, f"found {len(options)} options of {name} in its sources")
        missing = sorted(o for o in options if not re.search(re.escape(o) + r"(?![a-z-])", pages[name]))
        check(not missing, f"{name}(1) documents every option its sources accept" + (f"; missing {missing}" if missing else ""))
    # Every installed path a page names must be in the package.
    for name, text in pages.items():
        named = set(re.findall(r"(/usr/share/cityops/[\w./-]*[\w/])", text))
        missing = sorted(p for p in named if not (root / p.lstrip("/")).exists())
        check(not missing, f"{name}(1) names only installed paths ({len(named)})" + (f"; missing {missing}" if missing else ""))
    groff = shutil.which("groff")
    if groff:
        for name, text in pages.items():
            r = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z"], input=text.replace("-", "\\-"),
                               capture_output=True, text=True)
            check(r.returncode == 0 and not r.stderr.strip(), f"groff renders {name}(1) without warnings {r.stderr.strip()[:300]}")


def check_desktop_entry(root):
    path = root / "usr/share/applications/cityops.desktop"
    if not check(path.exists(), "desktop entry installed"):
        return
    validator = shutil.which("desktop-file-validate")
    if validator:
        r = run([validator, path])
        check(r.returncode == 0 and not r.stdout.strip(), f"desktop-file-validate accepts it {r.stdout.strip()}")
    else:
        print("note: desktop-file-validate not installed (desktop-file-utils); checking the entry by hand")
    entry = configparser.ConfigParser(interpolation=None, strict=True)
    entry.optionxform = str
    entry.read(path, encoding="utf-8")
    group = entry["Desktop Entry"]
    for key in ("Type", "Name", "Exec", "Icon", "Categories"):
        check(key in group, f"desktop entry has {key}")
    check(group.get("Type") == "Application", "desktop entry Type=Application")
    check((root / "usr/bin" / group.get("Exec", "").split()[0]).exists(), "desktop entry Exec names an installed program")
    categories = [c for c in group.get("Categories", "").split(";") if c]
    main = {"AudioVideo", "Audio", "Video", "Development", "Education", "Game", "Graphics", "Network",
            "Office", "Science", "Settings", "System", "Utility"}
    check(any(c in main for c in categories), "desktop entry has a registered main category")
    check(group.get("Categories", "").endswith(";"), "Categories list ends with ';'")
    check(group.get("Icon") == "cityops", "desktop entry Icon=cityops (themed icon name)")


def png_size(path):
    data = path.read_bytes()[:24]
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", data[16:24])


def check_icons(root):
    hicolor = root / "usr/share/icons/hicolor"
    svg = hicolor / "scalable/apps/cityops.svg"
    if check(svg.exists(), "scalable SVG icon installed"):
        tree = ET.parse(svg)
        check(tree.getroot().tag.endswith("svg"), "icon is an SVG document")
    for size in (16, 24, 32, 48, 64, 128, 256):
        png = hicolor / f"{size}x{size}/apps/cityops.png"
        check(png.exists() and png_size(png) == (size, size), f"{size}x{size} PNG icon installed with that size")


def check_metainfo(root):
    path = root / "usr/share/metainfo/io.cityops.CityOps.metainfo.xml"
    if not check(path.exists(), "AppStream metainfo installed"):
        return
    component = ET.parse(path).getroot()
    check(component.findtext("id") == "io.cityops.CityOps", "metainfo id")
    check(component.find("launchable").text == "cityops.desktop", "metainfo launches the installed desktop entry")
    appstream = shutil.which("appstreamcli")
    if appstream:
        r = run([appstream, "validate", "--no-net", path])
        check(r.returncode == 0, f"appstreamcli validate passes {r.stdout.strip()[-500:]}")
    else:
        print("note: appstreamcli not installed; metainfo checked as XML only")


def check_translations(root, source_dir, lconvert):
    directory = root / "usr/share/cityops/translations"
    languages = sorted(p.stem.split("_", 1)[1] for p in (source_dir / "translations").glob("cityops_*.ts"))
    check(len(languages) >= 1, f"translations in the source tree: {languages}")
    magic = bytes.fromhex("3CB86418CAEF9C95CD211CBF60A1BDDD")
    for lang in languages:
        qm = directory / f"cityops_{lang}.qm"
        if not check(qm.exists() and qm.read_bytes()[:16] == magic, f"{qm.name} installed and a Qt .qm file"):
            continue
        if lconvert:
            r = run([lconvert, "-if", "qm", "-i", qm, "-of", "ts", "-o", "-"])
            count = r.stdout.count("<translation")
            check(r.returncode == 0 and count > 20, f"{qm.name} holds {count} translations")


def check_data(root, source_dir):
    share = root / "usr/share/cityops"
    expected = sorted(p.name for p in (source_dir / "resources/scenarios").glob("*.json"))
    installed = sorted(p.name for p in (share / "scenarios").glob("*.json"))
    check(expected and installed == expected, f"all {len(expected)} scenarios installed")
    check((share / "samples/retail_store_sales_sample.csv").exists(), "sample sales CSV installed")
    check((root / "usr/share/doc/cityops/copyright").exists(), "copyright file installed")
    grafana = source_dir / "resources/grafana"
    if grafana.is_dir():
        wanted = sorted(p.name for p in grafana.rglob("*") if p.is_file())
        got = sorted(p.name for p in (share / "grafana").rglob("*") if p.is_file())
        check(got == wanted, "Grafana dashboard installed")


def check_programs(root, work):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LD_")}
    env["HOME"] = str(work / "home")
    env["XDG_CONFIG_HOME"] = str(work / "home/.config")
    (work / "home").mkdir(exist_ok=True)
    bindir = root / "usr/bin"
    cwd = work / "run"   # no source tree below it: the programs must live on what was installed
    cwd.mkdir()
    r = run([bindir / "cityops", "--version"], env=env, cwd=cwd)
    check(r.returncode == 0 and re.fullmatch(r"cityops \d+\.\d+\.\d+\s*", r.stdout) is not None,
          f"installed cityops --version prints its version: {r.stdout.strip()!r} {r.stderr.strip()[:300]}")
    for tool in ("cityops-engine", "cityops-gateway"):
        r = run([bindir / tool, "--version"], env=env, cwd=cwd)
        check(r.returncode == 0 and r.stdout.strip() != "", f"installed {tool} --version: {r.stdout.strip()!r}")

    def headless(scenario):
        r = run([bindir / "cityops", "--headless", "--scenario", scenario, "--duration", "30m", "--speed", "max",
                 "--workers", "2"], env=env, cwd=cwd, timeout=120)
        summary = dict(line.split(": ", 1) for line in r.stdout.splitlines() if ": " in line)
        return r, summary

    r, summary = headless("co2-episode")
    check(r.returncode == 0, f"installed cityops runs co2-episode headless (exit {r.returncode}) {r.stderr.strip()[:300]}")
    check(summary.get("scenario") == "co2-episode", "summary names the scenario")
    processed = next((int(v) for k, v in summary.items() if k in ("readings", "events", "processed", "consumed")), 0)
    check(processed > 0, f"the run processed readings ({processed})")
    file_run, file_summary = headless(str(root / "usr/share/cityops/scenarios/co2-episode.json"))
    check(file_run.returncode == 0, "installed cityops runs the installed scenario file")
    same = {k: v for k, v in summary.items() if "second" not in k and "ms" not in k and "wall" not in k}
    same_file = {k: v for k, v in file_summary.items() if k in same}
    check(same == same_file, "the installed scenario file gives the same run as the built-in scenario")

    sample = root / "usr/share/cityops/samples/retail_store_sales_sample.csv"
    cleaned = work / "cleaned.csv"
    r = run([bindir / "cityops", "analyze", sample, "--csv", cleaned, "--quiet"], env=env, cwd=cwd, timeout=120)
    check(r.returncode == 0 and cleaned.exists(), f"cityops analyze runs on the installed sample {r.stderr.strip()[:300]}")
    if cleaned.exists():
        rows = cleaned.read_text().count("\n") - 1
        check(rows > 100, f"the cleaned sample has {rows} rows")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--cpack", required=True)
    parser.add_argument("--lconvert")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    source_dir = Path(args.source_dir)
    work = Path(tempfile.mkdtemp(prefix="cityops-install-"))
    try:
        deb = build_package(args, work)
        print(f"package: {deb.name} ({deb.stat().st_size // 1024} KiB)")
        fields = control_fields(deb)
        check(fields.get("Package") == "cityops", "control: Package cityops")
        depends = fields.get("Depends", "")
        for lib in ("libqt6core6", "libqt6widgets6", "libc6", "libsqlite3", "librdkafka"):
            check(lib in depends, f"control: Depends names {lib} (dpkg-shlibdeps)")
        check("libqt6svg6" in depends, "control: Depends names libqt6svg6 (SVG plugins, loaded with dlopen)")
        check(len(fields.get("Description", "").splitlines()) > 2, "control: a long description")
        check(fields.get("Section") == "utils", "control: Section utils")
        contents = run(["dpkg-deb", "--contents", deb]).stdout
        for path in ("./usr/bin/cityops", "./usr/bin/cityops-engine", "./usr/bin/cityops-gateway",
                     "./usr/share/applications/cityops.desktop"):
            check(re.search(re.escape(path) + r"$", contents, re.M) is not None, f"package contains {path}")
        check("/home/" not in contents and "/work/" not in contents, "no build paths in the package")

        root = work / "root"
        root.mkdir()
        how = install(deb, root)
        print(f"installed with {how} into {root}")
        check_data(root, source_dir)
        check_desktop_entry(root)
        check_metainfo(root)
        check_icons(root)
        check_man_pages(root, source_dir)
        check_translations(root, source_dir, args.lconvert)
        check_programs(root, work)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if FAILURES:
        print(f"\n{len(FAILURES)} check(s) failed:\n  " + "\n  ".join(FAILURES))
        return 1
    print("\nall installer checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
