// Pages of the codes of fields, types and rules (E0301–W0317).
extension Explanation {
    static let fields: [Explanation] = [
        unknownField, duplicateField, lockedField, missingRequired, typeMismatch, notARecord, outOfBounds, invalidEnumMember,
        invalidFormat, checkFailed, warnFailed, checkNotBool, misplacedStatement, environmentOverride, invalidSuper, unknownName,
        overlayOverridesTenant,
    ]

    /// An example of the tier `tier` and a tenant `acme` whose body is `name = "Acme"` then `lines`.
    static func acmeSetting(_ tier: ExampleFile, _ lines: String) -> Example {
        Example([tier, .tenant("tenant acme extends basic {\n  name = \"Acme\"\n" + lines + "\n}\n")])
    }

    private static let unknownField = Explanation(.unknownField, """
        A statement sets a field that does not exist. Outside a root tier, `=` only sets
        fields the tier declares: a misspelt name is an error (with the nearest name as a
        fix), never a new key that the provisioning pipeline would silently ignore. The same
        goes for a reference to a field a record does not have.

        Fix the name. To add a field, declare it with its type: `name: Type = value`.
        """,
        failing: acmeSetting(cpuTier, "  databse.cpu = 2cores"),
        fixed: acmeSetting(cpuTier, "  database.cpu = 2cores"))

    private static let duplicateField = Explanation(.duplicateField, """
        A field is declared where one of that name exists already: `name: Type` for a field a
        tier declares, a root tier's `name = value` written twice, or a key repeated in a
        record literal. A declaration says "this is new"; for a field that exists it would
        hide the first one's type and default.

        To change an existing field's value, set it with `name = value`; to keep both, give the
        new one another name.
        """,
        failing: acmeSetting(replicasTier, "  replicas: int = 5"),
        fixed: acmeSetting(replicasTier, "  replicas = 5"))

    private static let replicasTier = ExampleFile.tier("""
        tier basic {
          name: string
          replicas = 3
        }
        """)

    private static let lockedField = Explanation(.lockedField, """
        A tenant sets a field its tier locked. `locked` marks the tier table (limits, prices,
        entitlements): what a tier grants is the same for every tenant of it, so a tenant
        cannot raise its own limits. The lock is shown as a secondary label.

        Move the tenant to a tier that grants what it needs (`tenantc plan FILE --to TIER` shows
        what changes), or declare a custom tier that extends its tier and sets the value.
        """,
        failing: acmeSetting(usersTier, "  max_users = 50"),
        fixed: Example([usersTier, .tenant("""
            tier basic_50 extends basic {
              max_users = 50
            }

            tenant acme extends basic_50 {
              name = "Acme"
            }
            """)]))

    private static let usersTier = ExampleFile.tier("""
        tier basic {
          name: string
          locked max_users = 10
        }
        """)

    private static let missingRequired = Explanation(.missingRequired, """
        A required field has no value. A field declared `name: Type` without a default must be
        set by every tenant of the tier; the error is at the tenant's header, with the
        declaration as a secondary label. A formula that reads an optional field (`T?`) which
        is unset gets this code too, at the reference.

        Set the field in the tenant, or give the declaration a default (`name: Type = value`),
        as an optional field that a formula reads needs one too.
        """,
        failing: Example([replicasTier, .tenant("""
            tenant acme extends basic {
              replicas = 5
            }
            """)]),
        fixed: acmeSetting(replicasTier, "  replicas = 5"))

    private static let typeMismatch = Explanation(.typeMismatch, """
        A value does not have the type of its field. A root tier's field without a type takes
        that of its value (`storage = 10GiB` declares a `size`); every later value must match. The
        only conversions are an `int` where a `float` is expected and a whole `float` where an
        `int` is: `50` is not a size, since tenantc cannot guess the unit. A record literal
        with a missing or unknown field, and a `scale … by` factor that is not a number, are
        type mismatches too.

        Write a value of the field's type; the help shows one (`50GiB`).
        """,
        failing: acmeSetting(storageTier, "  storage = 50"),
        fixed: acmeSetting(storageTier, "  storage = 50GiB"))

    private static let storageTier = ExampleFile.tier("""
        tier basic {
          name: string
          storage = 10GiB
        }
        """)

    private static let notARecord = Explanation(.notARecord, """
        A record was expected and something else was found, or the other way round: a record
        field set with a plain value (`database = "postgres"`), a path that goes through a
        field that is not a record (`name.first` when `name` is a string), a block
        `name { … }` or a pattern `name.*` on a field that is not a record.

        Set the fields of a record one by one (`database.engine = "postgres"`, or
        `database { engine = "postgres" }`), or replace it whole with a record literal
        `database = { … }`.
        """,
        failing: acmeSetting(databaseTier, "  database = \"postgres\""),
        fixed: acmeSetting(databaseTier, "  database.engine = \"postgres\""))

    private static let databaseTier = ExampleFile.tier("""
        tier basic {
          name: string
          database {
            engine: "postgres" | "mysql" = "mysql"
            cpu = 1cores
          }
        }
        """)

    private static let outOfBounds = Explanation(.outOfBounds, """
        A value is outside the bounds of its field's type: `int(1..100)` accepts 1 to 100, both
        included. Quantities (`size`, `duration`, `cpu`, `percent`) are never negative unless
        the type's lower bound allows it (`percent(-100%..100%)`), whether written or computed.

        Use a value within the bounds the declaration (shown as a secondary label) gives; if
        the bounds are wrong, change the declaration in the tier.
        """,
        failing: acmeSetting(connectionsTier, "  connections = 500"),
        fixed: acmeSetting(connectionsTier, "  connections = 100"))

    private static let connectionsTier = ExampleFile.tier("""
        tier basic {
          name: string
          connections: int(1..100) = 10
        }
        """)

    private static let invalidEnumMember = Explanation(.invalidEnumMember, """
        A string is not one of the members of its field's enum type (`"monthly" | "yearly"`).
        Members are matched exactly, case included, because they end up in artifacts that
        other programs compare. The help suggests the nearest member, or lists them all.

        Use one of the members; to allow another value, add it to the type in the tier.
        """,
        failing: acmeSetting(planTier, "  plan = \"Yearly\""),
        fixed: acmeSetting(planTier, "  plan = \"yearly\""))

    private static let planTier = ExampleFile.tier("""
        tier basic {
          name: string
          plan: "monthly" | "yearly" = "monthly"
        }
        """)

    private static let invalidFormat = Explanation(.invalidFormat, """
        A string does not have the form its field's type requires: a `cron` schedule (five
        fields: minute, hour, day of month, month, day of week), a `cidr` (an IPv4 or IPv6
        address with a prefix length, `10.0.0.0/16`) or an `email`. The message says what is
        wrong with it. These values are checked here so that a scheduler or a firewall does
        not reject them later.
        """,
        failing: acmeSetting(scheduleTier, "  backup_schedule = \"daily at 3\""),
        fixed: acmeSetting(scheduleTier, "  backup_schedule = \"0 3 * * *\""))

    private static let scheduleTier = ExampleFile.tier("""
        tier basic {
          name: string
          backup_schedule: cron = "0 2 * * *"
        }
        """)

    private static let checkFailed = Explanation(.checkFailed, """
        A `check CONDITION else "message"` rule is false for a tenant. Rules of every tier in
        the tenant's chain, of the overlays of its environment and of the tenant itself run on
        its final configuration. The error shows the rule's message, the values it compared,
        the tenant's line that set the value and the tier line that set the limit; when a tier
        that extends the tenant's tier would allow the value, the help names it.

        Change the value, or move the tenant to a tier that allows it. A tier whose own
        defaults break its rules is reported at the tier, once.
        """,
        failing: acmeSetting(limitTier, "  database.cpu = 4cores"),
        fixed: acmeSetting(limitTier, "  database.cpu = 2cores"))

    private static let limitTier = ExampleFile.tier("""
        tier basic {
          name: string
          locked max_cpu = 2cores
          database.cpu = 1cores
          check database.cpu <= max_cpu else "the database needs ${database.cpu}; the tier allows ${max_cpu}"
        }
        """)

    private static let warnFailed = Explanation(.warnFailed, """
        A `warn CONDITION else "message"` rule is false for a tenant. It is reported like a
        failed `check` (E0310), with the values it read, but as a warning: the configuration is
        still valid, `build` writes it and the exit status stays 0. Tiers use warnings for
        what is allowed but probably a mistake.

        Change the value if the warning is right; if the value is meant, nothing needs to be
        done.
        """,
        failing: acmeSetting(retentionTier, "  backup_retention = 3d"),
        fixed: acmeSetting(retentionTier, "  backup_retention = 7d"))

    private static let retentionTier = ExampleFile.tier("""
        tier basic {
          name: string
          backup_retention = 30d
          warn backup_retention >= 7d else "backups of ${tenant.id} are kept ${backup_retention}, less than a week"
        }
        """)

    private static let checkNotBool = Explanation(.checkNotBool, """
        A rule's condition is not a bool. `check` and `warn` take a condition that is true or
        false; a number, a string or a list is not read as one (there is no "truthy" value),
        since `check replicas` could mean "is set" or "is not zero".

        Write the comparison that is meant: `check replicas >= 1 else "…"`.
        """,
        failing: Example([.tier("""
            tier basic {
              name: string
              replicas = 3
              check replicas else "at least one replica"
            }
            """), acmeTenant]),
        fixed: Example([.tier("""
            tier basic {
              name: string
              replicas = 3
              check replicas >= 1 else "at least one replica"
            }
            """), acmeTenant]))


    private static let misplacedStatement = Explanation(.misplacedStatement, """
        A statement is written where it is not allowed: `locked` in a tenant (only tiers lock
        fields; a tenant's values are final for that tenant) or inside `env`, `scale` outside
        an `env` block (scaling depends on the environment), a field declared inside `env`
        (declare it outside and set it in the overlay), an `env` inside another, or a
        declaration of a path with `*`.

        Move the statement where it belongs, or drop the word that is not allowed.
        """,
        failing: acmeSetting(replicasTier, "  locked replicas = 5"),
        fixed: acmeSetting(replicasTier, "  replicas = 5"))

    private static let environmentOverride = Explanation(.environmentOverride, """
        An `env NAME { … }` overlay sets `tenant_info.environment`. The environment is what
        selects the overlay, so an overlay cannot change it: it would apply an overlay for an
        environment other than the one it describes. It is reported when the overlay applies,
        that is, in the environment it names.

        Set `tenant_info.environment` in the tenant's body, or pass `--env NAME`.
        """,
        failing: Example([environmentTier, .tenant("""
            tenant acme extends basic {
              tenant_info.name = "Acme"
              tenant_info.environment = "development"
              env development {
                tenant_info.environment = "production"
              }
            }
            """)]),
        fixed: Example([environmentTier, .tenant("""
            tenant acme extends basic {
              tenant_info.name = "Acme"
              tenant_info.environment = "production"
            }
            """)]))

    private static let invalidSuper = Explanation(.invalidSuper, """
        `super` is read where it has no value. `super` is the value the layers below gave the
        field being set (`regions = super + ["us-east-1"]` adds to the tier's list); an
        optional field without a default that no tier sets has none, and outside a field's
        value (in a rule) `super` means nothing.

        Write the whole value instead, or give the field a default in the tier.
        """,
        failing: acmeSetting(regionsTier, "  extra_regions = super + [\"ap-south-1\"]"),
        fixed: acmeSetting(regionsTier, "  extra_regions = [\"ap-south-1\"]"))

    private static let regionsTier = ExampleFile.tier("""
        tier basic {
          name: string
          regions: [string] = ["eu-west-1"]
          extra_regions: [string]?
        }
        """)

    private static let unknownName = Explanation(.unknownName, """
        An expression names something that does not exist. References are absolute paths from
        the root of the tenant's final configuration (`limits.cpu`, wherever it is written);
        the other names are the variables of comprehensions and the built-ins `tenant.id`,
        `tenant.tier` and `tenant.environment`. The help suggests the nearest name.

        Fix the name, or write the full path of the field meant.
        """,
        failing: acmeSetting(shareTier, "  database.cpu = maxcpu * 25%"),
        fixed: acmeSetting(shareTier, "  database.cpu = max_cpu * 25%"))

    private static let shareTier = ExampleFile.tier("""
        tier basic {
          name: string
          max_cpu = 2cores
          database.cpu = max_cpu * 50%
        }
        """)

    private static let overlayOverridesTenant = Explanation(.overlayOverridesTenant, """
        A tier's `env NAME { … }` overlay changes a value the tenant sets in its body. The
        tiers' overlays apply after the tenant's body, so in that environment the tenant's
        value is silently replaced, which is rarely what the tenant's author expects. The
        warning is at the tenant's value, with the overlay's statement as a secondary label.

        If the tenant's value should win in that environment, set it in the tenant's own
        `env NAME { … }`, which applies last. The order of the layers does not change.
        """,
        failing: Example([environmentTier, .tenant("""
            tenant acme extends basic {
              tenant_info.name = "Acme"
              tenant_info.environment = "development"
              replicas = 2
            }
            """)]),
        fixed: Example([environmentTier, .tenant("""
            tenant acme extends basic {
              tenant_info.name = "Acme"
              tenant_info.environment = "development"
              env development {
                replicas = 2
              }
            }
            """)]))
}
