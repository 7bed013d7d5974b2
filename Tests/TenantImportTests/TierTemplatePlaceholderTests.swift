import Testing
import TenantImport
import TenantSemantics

/// `${NAME}` placeholders: the tenant's id and tier are built-ins; any other is one required
/// field each tenant sets, read wherever the template uses it.
@Suite struct TierTemplatePlaceholderTests {
    @Test func theTenantsIdAndTierAreBuiltIns() throws {
        let result = try convert("""
            tenant_id: "${TENANT_ID}"
            tenant_type: ${TENANT_TYPE}
            tier: "${TIER}"
            data: "${TENANT_ID}_data"
            key: "cache:${tenant_id}:${TENANT_TIER}"
            """)
        let source = String(decoding: result.source, as: UTF8.self)
        #expect(source == """
            tier t {
              tenant_id = tenant.id
              tenant_type = tenant.tier
              tier = tenant.tier
              data = "${tenant.id}_data"
              key = "cache:${tenant.id}:${tenant.tier}"
            }

            """)
        #expect(result.placeholders.map(\.target) == [.tenantID, .tenantTier, .tenantTier, .tenantID, .tenantTier])
        #expect(tierErrors(source).isEmpty)
    }

    @Test func anyOtherIsARequiredFieldTypedFromItsName() throws {
        let result = try convert("""
            db:
              cpu_cores: ${POSTGRESQL_CPU_CORES}
              memory_gb: ${POSTGRESQL_MEMORY_GB}
              max_users: ${MAX_USERS}
              backups: ${BACKUP_ENABLED}
              admin: "${ADMIN_EMAIL}"
              full_backup: "${FULL_BACKUP_CRON}"
              vpn: "${VPN_CIDR}"
              port: "${DB_PORT}"
              region: ${REGION}
              cores: ${PG}
            """)
        let source = String(decoding: result.source, as: UTF8.self)
        #expect(source == """
            tier t {
              db {
                cpu_cores: cpu
                memory_gb: float
                max_users: int
                backups: bool
                admin: email
                full_backup: cron
                vpn: cidr
                port: string
                region: string
                cores: cpu
              }
            }

            """)
        #expect(result.placeholders.first == PlaceholderBinding(name: "POSTGRESQL_CPU_CORES", target: .field(path: "db.cpu_cores", type: "cpu", declaredHere: true), line: 2))
        #expect(result.notes.first?.message == "`${POSTGRESQL_CPU_CORES}` is the required field `db.cpu_cores` (`cpu`): each tenant sets it")
        #expect(tierErrors(source).isEmpty)
    }

    @Test func aPlaceholderUsedAgainReadsTheFieldThatHoldsIt() throws {
        let source = try tierSource("""
            tenant_info:
              tenant_name: "${TENANT_NAME}"
            display: "${TENANT_NAME}"
            greeting: "Hello, ${TENANT_NAME}!"
            """)
        #expect(source == """
            tier t {
              tenant_info {
                tenant_name: string
              }
              display = tenant_info.tenant_name
              greeting = "Hello, ${tenant_info.tenant_name}!"
            }

            """)
        #expect(tierErrors(source).isEmpty)
    }

    @Test func placeholdersNoFieldHoldsWholeLiveInAHiddenRecord() throws {
        let result = try convert("""
            host: "db-${REGION}.example.com"
            allowed_ips: ["10.0.0.0/8", "${OFFICE_CIDR}"]
            """)
        let source = String(decoding: result.source, as: UTF8.self)
        #expect(source == """
            tier t {
              host = "db-${_placeholders.REGION}.example.com"
              allowed_ips: [cidr] = ["10.0.0.0/8", _placeholders.OFFICE_CIDR]

              /// The template's placeholders that no field holds whole: each tenant sets them.
              _placeholders {
                REGION: string
                OFFICE_CIDR: cidr
              }
            }

            """)
        #expect(result.placeholders.map(\.target) == [.field(path: "_placeholders.REGION", type: "string", declaredHere: true),
                                                       .field(path: "_placeholders.OFFICE_CIDR", type: "cidr", declaredHere: true)])
        #expect(result.notes.map(\.message) == ["`${REGION}` is the required field `_placeholders.REGION` (`string`): each tenant sets it",
                                                "`${OFFICE_CIDR}` is the required field `_placeholders.OFFICE_CIDR` (`cidr`): each tenant sets it"])
        #expect(tierErrors(source).isEmpty)
    }

    @Test func whatIsNotAPlaceholderStaysText() throws {
        let source = try tierSource(#"a: "${not valid} ${} $HOME ${X""#)
        #expect(source == #"tier t {\#n  a = "\${not valid} \${} \$HOME \${X"\#n}\#n"#)
        #expect(tierErrors(source).isEmpty)
    }

    @Test func aTierThatExtendsAnotherReusesWhatItDeclares() throws {
        let parent = InheritedFields(tier: "base", fields: [
            "name": InheritedField(type: .string, typeText: "string"),
            "_placeholders": InheritedField(type: .any, isRecord: true, typeText: "{ … }"),
            "_placeholders.OFFICE_CIDR": InheritedField(type: .cidr, typeText: "cidr"),
        ])
        let result = try convert("""
            name: "${TENANT_NAME}"
            title: "${TENANT_NAME}"
            ips: ["${OFFICE_CIDR}", "${VPN_CIDR}"]
            """, extends: parent)
        #expect(String(decoding: result.source, as: UTF8.self) == """
            tier t extends base {
              title: string = name
              ips: [cidr] = [_placeholders.OFFICE_CIDR, _placeholders.VPN_CIDR]

              /// The template's placeholders that no field holds whole: each tenant sets them.
              _placeholders {
                VPN_CIDR: cidr
              }
            }

            """)
        #expect(result.placeholders.map(\.target) == [.field(path: "name", type: "string", declaredHere: false),
                                                       .field(path: "_placeholders.OFFICE_CIDR", type: "cidr", declaredHere: false),
                                                       .field(path: "_placeholders.VPN_CIDR", type: "cidr", declaredHere: true)])
    }
}
