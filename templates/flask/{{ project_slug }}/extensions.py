"""Extension objects, created unbound and attached to the app in create_app()."""

from flask_jwt_extended import JWTManager
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = Api()
jwt = JWTManager()
# Sessions for the HTML pages; the API authenticates with bearer tokens only.
login_manager = LoginManager()
login_manager.login_view = "pages.login"
# Every form post needs its token; the token-authenticated API blueprints are exempted.
csrf = CSRFProtect()
