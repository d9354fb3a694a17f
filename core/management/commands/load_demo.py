import time

from django.core.management.base import BaseCommand

from core.audit import audit_context
from core.demo import demo_loaders, load_accounts, load_units
from core.models import AuditEntry


class Command(BaseCommand):
    help = ("Load the demo province (units, accounts and whatever later apps add). Safe to run "
            "again.")

    def handle(self, *args, **options):
        started = time.monotonic()
        with audit_context(source=AuditEntry.Source.COMMAND):
            created = load_units()
            accounts = load_accounts()
            for loader in demo_loaders():
                loader(stdout=self.stdout)
        state = "đã tạo" if created else "đã có sẵn"
        self.stdout.write(f"Dữ liệu minh họa {state} ({time.monotonic() - started:.1f} s).")
        self.stdout.write("")
        self.stdout.write("Tài khoản minh họa (mật khẩu giống nhau):")
        for username, password, label in accounts:
            self.stdout.write(f"  {username:<18} {password:<14} {label}")
        self.stdout.write("")
        self.stdout.write("Mở http://127.0.0.1:8000 và đăng nhập.")
