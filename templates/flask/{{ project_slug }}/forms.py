"""Forms for the HTML pages; Flask-WTF adds and checks the CSRF token of each."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from .passwords import password_problem


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=128)])


class RegisterForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    full_name = StringField("Name", validators=[Length(max=200)])
    password = PasswordField("Password", validators=[DataRequired()])
    confirm = PasswordField("Repeat the password", validators=[DataRequired(), EqualTo("password")])

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", self.email.data or "")
        if problem:
            raise ValidationError(problem)


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Length(max=2048)])
    password = PasswordField("New password", validators=[DataRequired(), Length(max=128)])
    confirm = PasswordField("Repeat the password", validators=[DataRequired(), EqualTo("password")])


class VerifyEmailForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Length(max=2048)])


class LogoutForm(FlaskForm):
    """No fields: logging out is a POST, so it carries a CSRF token like any other form."""
