/// Which lines two versions of a file do not share: a shortest edit script by Myers' O(ND)
/// algorithm, in its linear-space form (the middle snake, divide and conquer), so that two
/// 16 MiB files never need more than a few arrays of their length.
///
/// Lines are compared as numbers (`LineTable` interns them). A line that occurs on one side
/// only is a change whatever the script, so it is marked before the search and left out of
/// it: a file the formatter rewrote throughout leaves the search only the lines both share.
struct LineDiff {
    /// For each old line, whether the script deletes it.
    private(set) var deleted: [Bool]
    /// For each new line, whether the script inserts it.
    private(set) var inserted: [Bool]

    /// A search that has spent this many edits on one part of the files without finding its
    /// middle settles for the path that got furthest (as `diff` does): the script stays valid,
    /// and the time stays near-linear when the files have little in common.
    static func costLimit(_ lines: Int) -> Int {
        var limit = 1
        while limit * limit < lines { limit <<= 1 }
        return max(1024, limit)
    }

    init(old: [Int32], new: [Int32], distinct: Int) {
        var inOld = [Bool](repeating: false, count: distinct)
        var inNew = [Bool](repeating: false, count: distinct)
        for id in old { inOld[Int(id)] = true }
        for id in new { inNew[Int(id)] = true }
        let keptOld = old.indices.filter { inNew[Int(old[$0])] }
        let keptNew = new.indices.filter { inOld[Int(new[$0])] }
        var search = MiddleSnakeSearch(a: keptOld.map { old[$0] }, b: keptNew.map { new[$0] },
                                       costLimit: Self.costLimit(keptOld.count + keptNew.count))
        search.run()
        deleted = [Bool](repeating: true, count: old.count)
        inserted = [Bool](repeating: true, count: new.count)
        for (k, i) in keptOld.enumerated() where !search.changedA[k] { deleted[i] = false }
        for (k, j) in keptNew.enumerated() where !search.changedB[k] { inserted[j] = false }
    }
}

/// The divide and conquer over the edit graph of `a` and `b`.
private struct MiddleSnakeSearch {
    let a: [Int32]
    let b: [Int32]
    let costLimit: Int
    var changedA: [Bool]
    var changedB: [Bool]

    init(a: [Int32], b: [Int32], costLimit: Int) {
        self.a = a
        self.b = b
        self.costLimit = costLimit
        changedA = [Bool](repeating: false, count: a.count)
        changedB = [Bool](repeating: false, count: b.count)
    }

    /// A box of the edit graph: `a[aLo..<aHi]` against `b[bLo..<bHi]`.
    private struct Box {
        var aLo, aHi, bLo, bHi: Int
    }

    /// Boxes wait on a stack rather than in recursion: a long run of settled searches would
    /// otherwise nest as deep as the files are long.
    mutating func run() {
        var pending = [Box(aLo: 0, aHi: a.count, bLo: 0, bHi: b.count)]
        while var box = pending.popLast() {
            while box.aLo < box.aHi, box.bLo < box.bHi, a[box.aLo] == b[box.bLo] {
                box.aLo += 1
                box.bLo += 1
            }
            while box.aLo < box.aHi, box.bLo < box.bHi, a[box.aHi - 1] == b[box.bHi - 1] {
                box.aHi -= 1
                box.bHi -= 1
            }
            let n = box.aHi - box.aLo, m = box.bHi - box.bLo
            guard n > 0, m > 0, let (x, y) = split(box), 0...n ~= x, 0...m ~= y, x + y > 0, x + y < n + m else {
                for i in box.aLo..<box.aHi { changedA[i] = true }
                for j in box.bLo..<box.bHi { changedB[j] = true }
                continue
            }
            pending.append(Box(aLo: box.aLo, aHi: box.aLo + x, bLo: box.bLo, bHi: box.bLo + y))
            pending.append(Box(aLo: box.aLo + x, aHi: box.aHi, bLo: box.bLo + y, bHi: box.bHi))
        }
    }

    /// A point (relative to the box) on a shortest path through it, where the forward and the
    /// backward search meet; past the cost limit, the furthest point the forward search
    /// reached. Nil when no point inside the box was found.
    private func split(_ box: Box) -> (Int, Int)? {
        let n = box.aHi - box.aLo, m = box.bHi - box.bLo
        let dMax = min((n + m + 1) / 2, costLimit)
        let offset = dMax + 1
        // Furthest x on each diagonal k (at offset + k): forward from (0, 0), backward from (n, m).
        var forward = Frontier(count: 2 * dMax + 3, offset: offset)
        var backward = Frontier(count: 2 * dMax + 3, offset: offset)
        let delta = n - m
        let odd = delta & 1 != 0
        var best = (x: 0, y: 0)
        var meet: (Int, Int)?
        for d in 0..<dMax {
            _ = forward.step(d, n: n, m: m) { x, y in a[box.aLo + x] == b[box.bLo + y] } found: { x, y, k in
                if x + y > best.x + best.y { best = (x, y) }
                guard odd, let other = backward.reach(delta - k), other <= n, x >= n - other else { return false }
                meet = (x, y)
                return true
            }
            if let meet { return meet }
            _ = backward.step(d, n: n, m: m) { x, y in a[box.aHi - 1 - x] == b[box.bHi - 1 - y] } found: { x, _, k in
                // The forward end on the same diagonal, when the two overlap there.
                let k1 = delta - k
                guard !odd, let other = forward.reach(k1), other <= n, other - k1 <= m, other >= n - x else { return false }
                meet = (other, other - k1)
                return true
            }
            if let meet { return meet }
        }
        return best.x + best.y > 0 ? (best.x, best.y) : nil
    }
}

/// One direction of the search: the furthest-reaching x of each diagonal so far.
private struct Frontier {
    private var v: [Int]
    private let offset: Int
    /// Diagonals that left the box, trimmed from both ends of the sweep.
    private var lowTrim = 0
    private var highTrim = 0

    init(count: Int, offset: Int) {
        v = [Int](repeating: -1, count: count)
        self.offset = offset
        v[offset + 1] = 0
    }

    /// The furthest x reached on diagonal `k`; nil when it has not been reached.
    func reach(_ k: Int) -> Int? {
        let i = offset + k
        guard i >= 0, i < v.count, v[i] != -1 else { return nil }
        return v[i]
    }

    /// Extends every d-path by one edit and its snake; `found(x, y, k)` is asked at each new
    /// end inside the box; the sweep stops at the first end it accepts (true is returned).
    mutating func step(_ d: Int, n: Int, m: Int, _ same: (Int, Int) -> Bool, found: (Int, Int, Int) -> Bool) -> Bool {
        var k = -d + lowTrim
        while k <= d - highTrim {
            let i = offset + k
            var x = (k == -d || (k != d && v[i - 1] < v[i + 1])) ? v[i + 1] : v[i - 1] + 1
            var y = x - k
            while x < n, y < m, same(x, y) {
                x += 1
                y += 1
            }
            v[i] = x
            if x > n {
                highTrim += 2
            } else if y > m {
                lowTrim += 2
            } else if found(x, y, k) {
                return true
            }
            k += 2
        }
        return false
    }
}
