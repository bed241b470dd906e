"""Business logic on top of the models: the routers stay thin and the rules live here."""
