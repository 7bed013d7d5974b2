// Pages of the codes of declarations and the tier graph (E0201–E0208).
extension Explanation {
    static let declarations: [Explanation] = [
        duplicateTier, duplicateTenant, unknownTier, extendsCycle, extendsTenant, invalidTenantID, unknownEnvironment, chainTooDeep,
    ]


    private static let duplicateTier = Explanation(.duplicateTier, """
        Two tiers have the same name. Tier names are global within a project: every tier of
        the project (in `tiers/` or declared beside a tenant) is known to every check, so
        `extends basic` must name one tier only. One declaration is reported, with the other
        as a secondary label.

        Rename one of them, or remove the copy (a tier file duplicated under another name is
        the usual cause).
        """,
        failing: Example([nameTier, ExampleFile("tiers/basic_copy.tenant", """
            tier basic {
              name: string
              support = "email"
            }
            """), acmeTenant]),
        fixed: Example([nameTier, ExampleFile("tiers/basic_plus.tenant", """
            tier basic_plus extends basic {
              support: string = "email"
            }
            """), acmeTenant]))

    private static let duplicateTenant = Explanation(.duplicateTenant, """
        Two tenants have the same id. A tenant's id names its artifact (`out/acme.yaml`), so
        two tenants with one id would write the same file. The first declaration in input
        order is compiled; the later one is reported and skipped.

        Give each tenant its own id. A tenant copied to start a new one is the usual cause.
        """,
        failing: Example([nameTier, acmeTenant, ExampleFile("tenants/acme_eu.tenant", """
            tenant acme extends basic {
              name = "Acme Europe"
            }
            """)]),
        fixed: Example([nameTier, acmeTenant, ExampleFile("tenants/acme_eu.tenant", """
            tenant acme_eu extends basic {
              name = "Acme Europe"
            }
            """)]))

    private static let unknownTier = Explanation(.unknownTier, """
        An `extends` names a tier that does not exist. The help suggests the nearest tier name
        and lists the tiers; when no tier was found at all, it says where tiers are looked for:
        the `.tenant` files of the nearest `tiers/` directory above each input, or `--tiers DIR`,
        plus any tier declared elsewhere in the project.

        Fix the name, or add the tier (or point `--tiers` at the directory that holds it).
        """,
        failing: Example([nameTier, .tenant("""
            tenant acme extends basci {
              name = "Acme"
            }
            """)]),
        fixed: Example([nameTier, acmeTenant]))

    private static let extendsCycle = Explanation(.extendsCycle, """
        Tiers extend each other in a circle, so none of them has a root: the shape of a tier
        comes from the root tier at the top of its `extends` chain. The cycle is reported once,
        whatever its length, with each `extends` of it labelled.

        Make one tier of the cycle a root tier (no `extends`), or have it extend a tier outside
        the cycle.
        """,
        failing: Example([ExampleFile("tiers/tiers.tenant", """
            tier basic extends premium {
              name: string
            }

            tier premium extends basic {
              support: string = "phone"
            }
            """), acmeTenant]),
        fixed: Example([ExampleFile("tiers/tiers.tenant", """
            tier basic {
              name: string
            }

            tier premium extends basic {
              support: string = "phone"
            }
            """), acmeTenant]))

    private static let extendsTenant = Explanation(.extendsTenant, """
        A tenant (or a tier) extends a tenant. Tenants are the leaves of the tier graph: each
        extends a tier, and is compiled into its own artifact. To share settings between
        tenants, put them in a tier that the tenants extend (a tier may be declared beside the
        tenants, in any file of the project).
        """,
        failing: Example([nameTier, .tenant("""
            tenant acme extends basic {
              name = "Acme"
            }

            tenant acme_eu extends acme {
              name = "Acme Europe"
            }
            """)]),
        fixed: Example([nameTier, .tenant("""
            tier acme_deal extends basic {
              name = "Acme"
            }

            tenant acme extends acme_deal {}

            tenant acme_eu extends acme_deal {
              name = "Acme Europe"
            }
            """)]))

    private static let invalidTenantID = Explanation(.invalidTenantID, """
        A tenant id is not of the form `[a-z][a-z0-9_]{0,62}`: lower-case letters, digits and
        `_`, starting with a letter, at most 63 characters. Ids become file names, SQL
        identifiers and key prefixes, where other characters break or collide. The id is
        reported whole, with a valid spelling as the fix, and the tenant's body is checked
        all the same.
        """,
        failing: Example([nameTier, .tenant("""
            tenant Acme-EU extends basic {
              name = "Acme Europe"
            }
            """)]),
        fixed: Example([nameTier, .tenant("""
            tenant acme_eu extends basic {
              name = "Acme Europe"
            }
            """)]))

    private static let unknownEnvironment = Explanation(.unknownEnvironment, """
        An `env NAME { … }` block or an `--env NAME` names an environment that does not exist.
        When the root tier declares `tenant_info.environment` as a string enum, its members are
        the environments, and every overlay and `--env` must name one of them: an overlay for a
        misspelt environment would silently never apply. The help lists the environments.

        Use one of the listed names, or add the environment to the enum in the root tier.
        (`--env` values given several times also become directory names, so they must be
        letters, digits, `_`, `-` or `.`.)
        """,
        failing: Example([environmentTier, .tenant("""
            tenant acme extends basic {
              tenant_info.name = "Acme"
              env prod {
                replicas = 5
              }
            }
            """)]),
        fixed: Example([environmentTier, .tenant("""
            tenant acme extends basic {
              tenant_info.name = "Acme"
              env production {
                replicas = 5
              }
            }
            """)]))

    /// A root tier with environments and an overlay, for the examples about environments.
    static let environmentTier = ExampleFile.tier("""
        tier basic {
          tenant_info {
            name: string
            environment: "development" | "production" = "production"
          }
          replicas = 3
          env development {
            replicas = 1
          }
        }
        """)

    private static let chainTooDeep: Explanation = {
        let chain = ExampleFile("tiers/chain.tenant", shown: """
            tier t0 {
              name: string
            }

            tier t1 extends t0 {}

            … and so on: each tier extends the one before, to

            tier t65 extends t64 {}

            """, make: {
                var text = "tier t0 {\n  name: string\n}\n"
                for n in 1...65 { text += "\ntier t\(n) extends t\(n - 1) {}\n" }
                return Array(text.utf8)
            })
        return Explanation(.chainTooDeep, """
            A tier's `extends` chain is longer than 64 tiers. Each tier in the chain is a layer
            every tenant of it is built from; no tier table needs that many, and a chain this
            long is a generator gone wrong. The tiers past the bound are reported and left out.

            Shorten the chain: tiers that differ by a value or two can be one tier, with the
            difference set by the tenants or by `env` overlays.
            """,
            failing: Example([chain]),
            fixed: Example([ExampleFile("tiers/chain.tenant", """
                tier t0 {
                  name: string
                }

                tier t1 extends t0 {}
                """)]))
    }()
}
