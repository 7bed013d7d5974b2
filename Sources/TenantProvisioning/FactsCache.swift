import TenantBackends
import TenantModel

/// The last tenant's facts on this thread: the driver renders a tenant's `.sql`,
/// `.pg_hba.conf` and `.acl` one after the other on one thread, and the facts were most of
/// each. A tenant is the same when its config is the same array storage: the cache keeps that
/// storage alive, so an equal address cannot be another tenant's.
final class FactsCache {
    private var config: [Value]?
    private var result: Result<ProvisioningFacts, BackendError>?

    func facts(of tenant: ResolvedTenant) throws(BackendError) -> ProvisioningFacts {
        if let config, let result, sameStorage(config, tenant.config.values) { return try result.get() }
        let computed: Result<ProvisioningFacts, BackendError>
        do throws(BackendError) { computed = .success(try ProvisioningFacts(tenant)) } catch { computed = .failure(error) }
        config = tenant.config.values
        result = computed
        return try computed.get()
    }

    private func sameStorage(_ a: [Value], _ b: [Value]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
    }

    /// This thread's cache.
    static var current: FactsCache { perThread.current }

    private static let perThread = PerThread { FactsCache() }
}
