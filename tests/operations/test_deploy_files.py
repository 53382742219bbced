"""The deployment files of deploy/: what can be checked on this machine is checked."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ideadb.config import load_config

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = {
    "ideadb-serve.service": "ideadb serve",
    "ideadb-worker.service": "ideadb worker",
}
NGINX = DEPLOY / "nginx" / "ideadb.conf"
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "CapabilityBoundingSet": "",
    "RestrictSUIDSGID": "yes",
}


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / name, encoding="utf-8")
    return parser


@pytest.mark.parametrize("name", sorted(UNITS))
def test_units_run_the_command_as_ideadb_with_settings_restart_and_hardening(name):
    service = _unit(name)["Service"]
    command = service["ExecStart"].split()
    assert Path(command[0]).name == "ideadb" and " ".join(["ideadb", command[1]]) == UNITS[name]
    assert service["User"] == "ideadb" and service["EnvironmentFile"] == "/etc/ideadb/env"
    assert service["Restart"] in ("on-failure", "always") and int(service["RestartSec"]) > 0
    assert (
        service["ReadWritePaths"]
        == load_config({"INSTANCE_DIR": "/var/lib/ideadb"})["INSTANCE_DIR"]
    )
    for option, value in HARDENING.items():
        assert service[option] == value, option
    assert _unit(name)["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_units_pass_systemd_analyze_verify(tmp_path):
    # verify wants the command to exist: the venv's ideadb is replaced by this Python.
    copies = []
    for name in UNITS:
        text = (DEPLOY / "systemd" / name).read_text(encoding="utf-8")
        copy = tmp_path / name
        copy.write_text(text.replace("/srv/ideadb/venv/bin/ideadb", sys.executable))
        copies.append(str(copy))
    done = subprocess.run(
        ["systemd-analyze", "verify", *copies], capture_output=True, text=True, timeout=60
    )
    # Unknown options and bad values are only warnings: any line at all is a failure.
    assert done.returncode == 0 and not (done.stdout + done.stderr).strip(), done.stderr


def test_the_example_settings_name_only_settings_that_exist():
    source = " ".join(path.read_text(encoding="utf-8") for path in (ROOT / "ideadb").rglob("*.py"))
    names = re.findall(
        r"^#?\s*(IDEADB_[A-Z_]+)=", (DEPLOY / "ideadb.env.example").read_text(), re.M
    )
    assert "IDEADB_DATABASE_URL" in names and "IDEADB_PROXY_COUNT" in names
    assert [n for n in names if f'"{n}"' not in source] == []


def _directives(text: str, name: str) -> list[str]:
    return re.findall(rf"^\s*{name}\s+([^;]+);", text, re.M)


def test_nginx_proxies_to_two_hosts_with_client_headers_tls_and_the_upload_limit():
    text = NGINX.read_text(encoding="utf-8")
    upstream = re.search(r"upstream ideadb \{(.*?)\}", text, re.S).group(1)
    assert len(_directives(upstream, "server")) == 2
    assert _directives(text, "proxy_pass") == ["http://ideadb"]
    headers = _directives(text, "proxy_set_header")
    assert "X-Forwarded-For $remote_addr" in headers
    assert "X-Forwarded-Proto $scheme" in headers and "Host $host" in headers
    assert _directives(text, "ssl_certificate") and _directives(text, "ssl_certificate_key")
    assert any("443 ssl" in listen for listen in _directives(text, "listen"))
    # Uploads the application accepts are not refused by nginx first, nor larger ones let in.
    (size,) = _directives(text, "client_max_body_size")
    assert int(size.rstrip("m")) * 1024 * 1024 == load_config({})["MAX_CONTENT_LENGTH"]
    assert re.search(r"location /static/ \{\s*alias /srv/ideadb/static/;", text)


@pytest.mark.skipif(
    shutil.which("nginx") is None or shutil.which("openssl") is None,
    reason="nginx (apt-get install nginx-light) or openssl not installed here",
)
def test_nginx_accepts_the_configuration(tmp_path):
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(tmp_path / "privkey.pem"),
            "-out",
            str(tmp_path / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    (tmp_path / "static").mkdir()
    (tmp_path / "logs").mkdir()
    site = NGINX.read_text(encoding="utf-8")
    site = site.replace("/etc/ssl/ideadb/", f"{tmp_path}/").replace(
        "/srv/ideadb/static/", f"{tmp_path}/static/"
    )
    (tmp_path / "ideadb.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/ideadb.conf;\n}}\n"
    )
    done = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr
