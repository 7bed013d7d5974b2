import Testing
import TenantDiagnostics
import TenantModel
@testable import TenantSemantics

@Suite("Environments")
struct EnvironmentTests {
    static let base = """
    tier base {
      tenant_info {
        name: string
        environment: "development" | "staging" | "production" = "production"
      }
      locked limits { cpu = 4cores  memory = 8GiB }
      ssl = true
      log = "base"
      db {
        pg {
          resources {
            cpu = 1.001cores
            memory = 3B
            storage = 1GiB
            replicas = 3
            share = 40%
            retention = 7d
            locked reserved: cpu = 1cores
          }
        }
        mongo {
          resources { cpu = 0.003cores  memory = 1B  formula = limits.cpu * 25% }
        }
      }
      env development {
        ssl = false
        log = "base-dev"
        scale db.*.resources by 50%
      }
      env staging {
        log = "base-staging"
      }
    }
    tier mid extends base {
      env development { log = super + "+mid-dev" }
    }
    """

    @Test func overlaysApplyAfterTheTenantBodyInLayerOrder() {
        let c = compile(Self.base + """

        tenant t extends mid {
          tenant_info { name = "T"  environment = "development" }
          log = "tenant"
          env development { log = super + "+own-dev" }
          env staging { log = "own-staging" }
        }
        """)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c.result?.environment == "development")
        #expect(c.tenant?.environment == "development")
        // Tier overlays root first, then the tenant's own overlay.
        #expect(c["log"] == .string("base-dev+mid-dev+own-dev"))
        #expect(c["ssl"] == .bool(false))
    }

    @Test func productionHasNoOverlayHere() {
        let c = compile(Self.base + """

        tenant t extends mid {
          tenant_info.name = "T"
          log = "tenant"
          env development { log = "own-dev" }
        }
        """)
        #expect(c.result?.environment == "production")
        #expect(c["log"] == .string("tenant"))
        #expect(c["ssl"] == .bool(true))
        #expect(c["db.pg.resources.cpu"] == cpu(1001))
    }

    @Test func environmentArgumentWinsOverTheTenantsField() {
        let c = compile(Self.base + """

        tenant t extends mid {
          tenant_info { name = "T"  environment = "development" }
        }
        """, env: "staging")
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c.result?.environment == "staging")
        #expect(c["tenant_info.environment"] == .string("staging"))
        #expect(c["log"] == .string("base-staging"))
        #expect(c["ssl"] == .bool(true))
    }

    @Test func environmentFromAFormula() {
        let c = compile(Self.base + """

        tenant t extends mid {
          tenant_info { name = "T"  environment = if 1 > 0 then "staging" else "production" }
        }
        """)
        #expect(c.result?.environment == "staging")
        #expect(c["log"] == .string("base-staging"))
    }

    @Test func scaleMultipliesCpuAndSizeLeavesRoundingHalfUp() {
        let c = compile(Self.base + "\ntenant t extends base { tenant_info.name = \"T\" }", env: "development")
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        // 1001 millicores × 50% = 500.5 → 501.
        #expect(c["db.pg.resources.cpu"] == cpu(501))
        // 3 bytes × 50% = 1.5 → 2; 1 byte → 0.5 → 1.
        #expect(c["db.pg.resources.memory"] == size(2))
        #expect(c["db.mongo.resources.memory"] == size(1))
        #expect(c["db.pg.resources.storage"] == size(512 * MiB))
        #expect(c.text("db.pg.resources.storage") == "512MiB")
        // 3 millicores → 1.5 → 2.
        #expect(c["db.mongo.resources.cpu"] == cpu(2))
        // A formula is scaled after it is evaluated: 4cores × 25% × 50%.
        #expect(c["db.mongo.resources.formula"] == cpu(500))
        // Not cpu or size: untouched.
        #expect(c["db.pg.resources.replicas"] == .int(3))
        #expect(c["db.pg.resources.share"] == percent(40_000_000))
        #expect(c["db.pg.resources.retention"] == duration(7 * 86_400_000))
        // Locked values are never scaled, and neither are limits outside the pattern.
        #expect(c["db.pg.resources.reserved"] == cpu(1000))
        #expect(c["limits.cpu"] == cpu(4000))
        #expect(c["limits.memory"] == size(8 * GiB))
    }

    @Test func scaleAppliesOnTopOfTheTenantsValue() {
        let c = compile(Self.base + """

        tenant t extends base {
          tenant_info.name = "T"
          db.pg.resources.cpu = 2cores
          db.pg.resources.memory = 1GB
        }
        """, env: "development")
        #expect(c["db.pg.resources.cpu"] == cpu(1000))
        #expect(c.text("db.pg.resources.memory") == "500MB")
    }

    @Test func scaleOutsideEnvIsMisplaced() {
        let c = compile("tier base { r { cpu = 1cores }\n scale r by 50% }")
        let d = c.first("E0313")
        #expect(d?.message == "`scale` is only allowed inside an `env` block")
    }

    @Test func scaleByANonNumber() {
        let c = compile("""
        tier base {
          r { cpu = 1cores }
          env production { scale r by "half" }
        }
        """)
        let d = c.first("E0305")
        #expect(d?.message == "`scale … by` needs a number or a percent, found string \"half\"")
    }

    @Test func unknownEnvironmentInRootTier() {
        let c = compile("""
        tier base {
          tenant_info.environment: "development" | "staging" | "production" = "production"
          x = 1
          env develpment { x = 2 }
        }
        """)
        let d = c.tierDiagnostics.first { $0.code.id == "E0207" }
        #expect(d?.message == "unknown environment `develpment`")
        #expect(d?.help.contains("did you mean `development`?") == true)
        #expect(d?.fixes.first?.replacement == "development")
        #expect(c.source(d?.span) == "develpment")
        #expect(c.all("E0207").count == 1)
    }

    @Test func unknownEnvironmentInDerivedTierAndTenant() {
        let c = compile(Self.base + """

        tier other extends base {
          env prodution { log = "x" }
        }
        tenant t extends base {
          tenant_info.name = "T"
          env stagin { log = "y" }
        }
        """)
        let tierD = c.tierDiagnostics.first { $0.code.id == "E0207" }
        #expect(tierD?.message == "unknown environment `prodution`")
        #expect(tierD?.help.contains("did you mean `production`?") == true)
        let tenantD = c.result?.diagnostics.first { $0.code.id == "E0207" }
        #expect(tenantD?.message == "unknown environment `stagin`")
        #expect(tenantD?.help.contains("did you mean `staging`?") == true)
        #expect(tenantD?.fixes.first?.replacement == "staging")
        #expect(c.tenant == nil)
    }

    @Test func overlayCannotChangeTheEnvironment() {
        let c = compile(Self.base + """

        tenant t extends base {
          tenant_info { name = "T"  environment = "development" }
          env development { tenant_info.environment = "production" }
        }
        """)
        let d = c.first("E0314")
        #expect(d?.message == "an `env` overlay cannot change the environment")
        #expect(c.tenant == nil)
    }

    @Test func overlayInTierCannotChangeTheEnvironment() {
        let c = compile("""
        tier base {
          tenant_info.environment: "development" | "production" = "production"
          env development { tenant_info.environment = "production" }
        }
        tier derived extends base {}
        """)
        let ds = c.tierDiagnostics.filter { $0.code.id == "E0314" }
        #expect(ds.first?.message == "an `env` overlay cannot change the environment")
        // `derived` inherits the overlay: any repeat must be an exact duplicate, which the driver's list removes.
        #expect(Set(ds).count == 1, "\(summary(ds))")
    }

    @Test func freeFormEnvironmentsWithoutAnEnum() {
        let c = compile("""
        tier base {
          x = "default"
          env qa { x = "qa" }
        }
        tenant t extends base {}
        """, env: "qa")
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c.result?.environment == "qa")
        #expect(c["x"] == .string("qa"))
    }

    @Test func environmentRulesOnlyRunInTheirEnvironment() {
        let src = """
        tier base {
          tenant_info.environment: "development" | "production" = "production"
          ssl = true
          env production { check ssl else "production needs TLS" }
        }
        tenant t extends base { ssl = false }
        """
        #expect(compile(src).first("E0310")?.message == "production needs TLS")
        let dev = compile(src, env: "development")
        #expect(dev.diagnostics.isEmpty, "\(summary(dev.diagnostics))")
    }

    @Test func nestedEnvInsideARecord() {
        let c = compile("""
        tier base {
          tenant_info.environment: "development" | "production" = "production"
          security {
            ssl = true
            env development { ssl = false }
          }
        }
        tenant t extends base {}
        """, env: "development")
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["security.ssl"] == .bool(false))
    }


    @Test func tenantOverlayScalesOnTopOfTheTiersScale() {
        let c = compile(Self.base + """

        tenant t extends base {
          tenant_info.name = "T"
          db.pg.resources.storage = 4GiB
          env development { scale db.pg.resources by 50% }
        }
        """, env: "development")
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["db.pg.resources.storage"] == size(1 * GiB))
        #expect(c["db.mongo.resources.cpu"] == cpu(2))
    }

    @Test func environmentSetByADerivedTier() {
        let c = compile(Self.base + """

        tier staged extends base { tenant_info.environment = "staging" }
        tenant t extends staged { tenant_info.name = "T" }
        """)
        #expect(c.result?.environment == "staging")
        #expect(c["log"] == .string("base-staging"))
    }

    @Test func unknownEnvironmentArgument() {
        let c = compile(Self.base + "\ntenant t extends base { tenant_info.name = \"T\" }", env: "prodution")
        let errors = c.result?.diagnostics.filter { $0.severity == .error } ?? []
        #expect(!errors.isEmpty)
        #expect(errors.contains { $0.help.contains { $0.contains("production") } }, "\(summary(errors))")
        #expect(c.tenant == nil)
    }

    @Test func tenantOverlaySettingALockedField() {
        let c = compile(Self.base + """

        tenant t extends base {
          tenant_info.name = "T"
          env development { limits.cpu = 8cores }
        }
        """, env: "development")
        #expect(c.first("E0303")?.message == "`limits.cpu` is locked by its tier; a tenant cannot set it")
        #expect(c.tenant == nil)
    }

    @Test func declarationsAndNestedEnvInsideEnvAreMisplaced() {
        let c = compile(Self.base + """

        tenant t extends base {
          tenant_info.name = "T"
          env development {
            extra: int = 1
            env staging { log = "x" }
          }
        }
        """, env: "development")
        let ds = c.all("E0313")
        #expect(ds.map(\.message).contains("fields cannot be declared inside `env`"), "\(summary(c.diagnostics))")
        #expect(ds.map(\.message).contains("`env` blocks cannot be nested"), "\(summary(c.diagnostics))")
        #expect(c.tenant == nil)
    }


    @Test func scaleCoversFieldsTheTenantDeclaresAndLateBoundFactors() {
        let c = compile("""
        tier base {
          factor = 50%
          db.pg.resources {
            cpu = 2cores
            disk: size | unlimited = unlimited
          }
          env development { scale db.*.resources by factor }
        }
        tenant t extends base {
          factor = 25%
          db.pg.resources.cache: size = 1GiB
        }
        """, env: "development")
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["db.pg.resources.cpu"] == cpu(500))
        #expect(c["db.pg.resources.cache"] == size(256 * MiB))
        #expect(c["db.pg.resources.disk"] == .unlimited)
    }

    // MARK: - W0317: a tier's overlay overriding the tenant's own value

    /// The file line of the `k`-th line of a tenant appended to `base` (its header is line 1).
    static func tenantLine(_ k: Int) -> Int { base.split(separator: "\n", omittingEmptySubsequences: false).count + k }

    @Test func aTierOverlayThatOverridesTheTenantsValueIsAWarningAtTheTenantsLine() {
        let c = compile(Self.base + """

        tenant t extends mid {
          tenant_info.name = "T"
          ssl = true
        }
        """, env: "development")
        let ds = c.all("W0317")
        #expect(ds.count == 1, "\(summary(c.diagnostics))")
        let d = ds.first
        #expect(d?.severity == .warning)
        #expect(d?.message == "`env development` of tier `base` overrides `ssl`, which tenant `t` sets")
        // At the tenant's value, on the tenant's line.
        #expect(c.source(d?.span) == "true")
        #expect(c.location(d?.span) == "test.tenant:\(Self.tenantLine(3))")
        #expect(d?.label == "set here; in environment `development` it is false")
        // The overlay's line is the secondary label.
        #expect(d?.related.count == 1)
        #expect(c.source(d?.related.first?.span) == "ssl = false")
        #expect(d?.related.first?.message == "`env development` of tier `base` sets it here")
        #expect(d?.help == ["set it inside `env development { … }` in the tenant: `env development { ssl = true }`"])
        // A warning: the tenant builds, and the layer order is unchanged (the overlay wins).
        #expect(c.errors.isEmpty, "\(summary(c.errors))")
        #expect(c["ssl"] == .bool(false))
    }

    @Test func theOverrideWarningAsPrinted() {
        let c = compile(Self.base + """

        tenant t extends base {
          tenant_info.name = "T"
          db.pg.resources.cpu = 2cores
        }
        """, env: "development")
        let ds = c.all("W0317")
        #expect(ds.count == 1, "\(summary(c.diagnostics))")
        #expect(Self.tenantLine(3) == 39)
        let expected = """
        warning[W0317]: `env development` of tier `base` overrides `db.pg.resources.cpu`, which tenant `t` sets
           --> test.tenant:39:25
            |
         28 |     scale db.*.resources by 50%
            |     --------------------------- `env development` of tier `base` scales it here
        ...
         39 |   db.pg.resources.cpu = 2cores
            |                         ^^^^^^ set here; in environment `development` it is 1core
            |
            = note: the tiers' `env` overlays apply after the tenant's body; the tenant's own `env development { … }` applies last
            = help: set it inside `env development { … }` in the tenant: `env development { db.pg.resources.cpu = 2cores }`


        """
        #expect(renderHuman(ds, sourceMap: c.sources) == expected)
        #expect(c["db.pg.resources.cpu"] == cpu(1000))
    }

    @Test func noOverrideWarningWhenTheTenantSetsItInItsOwnOverlay() {
        let c = compile(Self.base + """

        tenant t extends base {
          tenant_info.name = "T"
          ssl = true
          db.pg.resources.cpu = 2cores
          env development {
            ssl = true
            db.pg.resources.cpu = 2cores
          }
        }
        """, env: "development")
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        #expect(c["ssl"] == .bool(true))
        #expect(c["db.pg.resources.cpu"] == cpu(2000))
    }

    @Test func noOverrideWarningInAnotherEnvironment() {
        let src = Self.base + """

        tenant t extends mid {
          tenant_info.name = "T"
          ssl = true
          db.pg.resources.cpu = 2cores
        }
        """
        for env in ["staging", "production"] {
            let c = compile(src, env: env)
            #expect(c.diagnostics.isEmpty, "\(env): \(summary(c.diagnostics))")
            #expect(c["ssl"] == .bool(true))
        }
        // The environment the tenant itself names counts the same way.
        let staged = compile(Self.base + """

        tenant t extends mid {
          tenant_info { name = "T"  environment = "staging" }
          ssl = true
        }
        """)
        #expect(staged.diagnostics.isEmpty, "\(summary(staged.diagnostics))")
        #expect(compile(src, env: "development").all("W0317").count == 2)
    }

    @Test func noOverrideWarningWhenTheOverlayGivesTheSameValue() {
        let c = compile(Self.base + """

        tenant t extends base {
          tenant_info.name = "T"
          ssl = false
          log = "base-dev"
        }
        """, env: "development")
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
    }

    @Test func theLastTierOverlayIsTheOneNamedAndFormulasAreCompared() {
        let c = compile(Self.base + """

        tenant t extends mid {
          tenant_info.name = "T"
          log = "tenant"
        }
        """, env: "development")
        let d = c.first("W0317")
        #expect(d?.message == "`env development` of tier `mid` overrides `log`, which tenant `t` sets")
        #expect(c.source(d?.related.first?.span) == "log = super + \"+mid-dev\"")
        #expect(d?.label == "set here; in environment `development` it is \"base-dev+mid-dev\"")
        // A tenant's formula is compared by its value: `2 * 0.5cores` is what the scale gives.
        let same = compile(Self.base + """

        tenant t extends base {
          tenant_info.name = "T"
          db.pg.resources.cpu = limits.cpu * 25%
        }
        """, env: "development")
        #expect(same.first("W0317")?.label == "set here; in environment `development` it is 0.5cores")
    }

    @Test func oneWarningForAStatementThatSetsSeveralFields() {
        let c = compile(Self.base + """

        tenant t extends base {
          tenant_info.name = "T"
          db.*.resources.memory = 1GiB
        }
        """, env: "development")
        let ds = c.all("W0317")
        #expect(ds.count == 1, "\(summary(c.diagnostics))")
        #expect(ds.first?.message == "`env development` of tier `base` overrides fields tenant `t` sets: `db.pg.resources.memory`, `db.mongo.resources.memory`")
        #expect(ds.first?.help == ["set them inside `env development { … }` in the tenant"])
        #expect(ds.first?.related.first?.message == "`env development` of tier `base` scales them here")
    }

    /// The shipped tiers: staging keeps backups a week and runs the databases at 70%.
    @Test func shippedStagingOverlayOverridingTheTenant() {
        let tenant = """
        tenant acme extends standard {
          tenant_info { tenant_name = "Acme Corp"  environment = "staging" }
          backup.retention = 14d
        }
        """
        let c = compileWithShippedTiers(tenant)
        let d = c.first("W0317")
        #expect(c.all("W0317").count == 1, "\(summary(c.diagnostics))")
        #expect(d?.message == "`env staging` of tier `free` overrides `backup.retention`, which tenant `acme` sets")
        #expect(c.location(d?.span) == "tenants/t.tenant:3")
        #expect(c.source(d?.span) == "14d")
        #expect(d?.label == "set here; in environment `staging` it is 7d")
        #expect(c.source(d?.related.first?.span) == "backup.retention = 7d")
        #expect(c.location(d?.related.first?.span)?.hasPrefix("tiers/free.tenant:") == true)
        #expect(d?.help == ["set it inside `env staging { … }` in the tenant: `env staging { backup.retention = 14d }`"])
        #expect(c["backup.retention"] == duration(7 * 86_400_000))
        // Set inside the tenant's own `env staging { … }`: its value, and no warning.
        let own = compileWithShippedTiers("""
        tenant acme extends standard {
          tenant_info { tenant_name = "Acme Corp"  environment = "staging" }
          backup.retention = 14d
          env staging { backup.retention = 14d }
        }
        """)
        #expect(own.diagnostics.isEmpty, "\(summary(own.diagnostics))")
        #expect(own["backup.retention"] == duration(14 * 86_400_000))
        // Another environment: the staging overlay does not apply.
        for env in ["production", "development"] {
            let other = compileWithShippedTiers(tenant, env: env)
            #expect(other.all("W0317").isEmpty, "\(env): \(summary(other.diagnostics))")
            #expect(other["backup.retention"] == duration(14 * 86_400_000))
        }
    }
}

