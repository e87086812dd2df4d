"""Flask extensions, created here and bound to the app in create_app()."""

from celery import Celery, Task
from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def celery_init_app(app: Flask) -> Celery:
    """Bind Celery to the app as the Flask docs show: every task runs in an app context.

    Without a broker, tasks run eagerly in the calling process (after the commit
    that scheduled them), so the shop runs on one machine with nothing else.
    """

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    broker = app.config["CELERY_BROKER_URL"]
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(
        {
            # Eager tasks still borrow a producer; a memory URL without a host made kombu
            # warn "No hostname was supplied" on the first order.
            "broker_url": broker or "memory://localhost/",
            # The worker must know the tasks before any message names them.
            "imports": ("app.tasks",),
            "result_backend": None,
            "task_ignore_result": True,
            "task_always_eager": broker is None,
            "task_eager_propagates": False,
            # A task is acknowledged when it ends, and given back if its worker dies:
            # a crash mid-send is redelivered (the outbox claim keeps it to one email).
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            # Publishing happens inside a web request, right after the order commits:
            # with the broker down it must fail at once (the outbox relay sends later),
            # not hang in kombu's retry loop or on a socket that never answers.
            "task_publish_retry": False,
            "broker_connection_timeout": 2,
            "broker_transport_options": {
                "max_retries": 0,
                "socket_connect_timeout": 2,
                "socket_timeout": 5,
            },
            # The worker, unlike a web request, waits for the broker to come back.
            "broker_connection_retry_on_startup": True,
            "broker_connection_max_retries": None,
        }
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
