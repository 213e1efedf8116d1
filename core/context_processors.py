from core.roles import membership_of


def membership(request):
    """Expose the signed-in user's membership (role, delegation, sponsor) to templates."""
    return {"membership": membership_of(getattr(request, "user", None))}
