from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """The claims a real provider sends: a name, a preferred username, an address."""

    def get_additional_claims(self, request):
        user = request.user
        return {"name": user.first_name, "preferred_username": user.username,
                "email": user.email, "email_verified": True}
