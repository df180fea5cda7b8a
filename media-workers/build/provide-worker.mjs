// placeholder until the worker provisioning lands
