print("tenantc")
