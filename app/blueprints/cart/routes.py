from flask import Blueprint

bp = Blueprint("cart", __name__)
