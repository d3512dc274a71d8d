"""`make serve`: the production setup on one machine, for a look at the real thing.

gunicorn with production settings (DEBUG off, gunicorn.conf.py as shipped) behind
deploy/nginx.conf, which serves /static/ and /media/ and micro-caches pages; the
task worker beside them when this version has one. Where nginx is missing (and
cannot be installed: apt-get needs root) one line names the package, and gunicorn
serves /media/ itself; pages still go out compressed (digest/cache/).

    make serve [PORT=8000]
"""

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._server import free_port  # noqa: E402
from bench.bench import NGINX, ensure_tool, main_conf, site_conf  # noqa: E402


def secret_key() -> str:
    """A production-grade key, made once and kept in var/ (sessions survive restarts)."""
    path = ROOT / "var" / "serve_secret_key"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    have_nginx = ensure_tool(NGINX, "nginx-light", required=False)
    app_port = free_port() if have_nginx else port
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secret_key(),
        "ALLOWED_HOSTS": os.environ.get("ALLOWED_HOSTS", f"{host},localhost"),
        "SITE_URL": os.environ.get("SITE_URL", f"http://{host}:{port}"),
        "CSRF_TRUSTED_ORIGINS": f"http://{host}:{port}",
        "SECURE_COOKIES": "false",  # plain HTTP on this machine
        "SECURE_HSTS_SECONDS": "0",
        "GUNICORN_BIND": f"127.0.0.1:{app_port}" if have_nginx else f"{host}:{port}",
        "NUM_PROXIES": "1" if have_nginx else "0",
        "SERVE_MEDIA": "false" if have_nginx else "true",
    }
    manage = [sys.executable, "manage.py"]
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["load_demo", "--if-empty"],
        # Cards a changed template made stale (or a restored archive's) are
        # rendered by the worker, not before the site answers.
        ["fill_fragments", "--enqueue"],
    ):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True)
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "digest.wsgi"], cwd=ROOT, env=env
        )
    ]
    has_worker = subprocess.run(
        [*manage, "help", "worker"], cwd=ROOT, env=env, capture_output=True, check=False
    )
    if has_worker.returncode == 0:
        processes.append(subprocess.Popen([*manage, "worker"], cwd=ROOT, env=env))
    prefix = None
    if have_nginx:
        prefix = Path(tempfile.mkdtemp(prefix="digest-serve-nginx-"))
        (prefix / "tmp").mkdir()
        body = site_conf(
            upstream=f"127.0.0.1:{app_port}",
            listen=port,
            static_root=ROOT / "staticfiles",
            media_root=Path(os.environ.get("MEDIA_ROOT") or ROOT / "media"),
            cache_dir=prefix / "cache",
        ).replace(f"listen 127.0.0.1:{port};", f"listen {host}:{port};")
        conf = prefix / "nginx.conf"
        conf.write_text(main_conf(prefix, body))
        processes.append(
            subprocess.Popen(
                [NGINX, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"]
            )
        )
        sys.stdout.write(
            f"Digest (production settings, behind nginx): http://{host}:{port}/\n"
        )
    else:
        sys.stdout.write(
            f"Digest (production settings, gunicorn alone): http://{host}:{port}/\n"
        )
    try:
        # Until Ctrl-C, SIGTERM, or one of them stops on its own.
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)  # gunicorn: quick shutdown
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        if prefix:
            shutil.rmtree(prefix, ignore_errors=True)
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)
    sys.exit(main())
