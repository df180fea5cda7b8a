// <ankerl/unordered_dense.h> as mediasoup 3.32 includes it, on the standard
// library: ankerl::unordered_dense::map, ::set and ::hash as the std
// unordered containers and std::hash.
//
// What mediasoup relies on is the interface both share (find, emplace,
// try_emplace, erase by key or iterator, iteration, size, clear, custom
// hash and equality types). What differs does not change its behaviour:
//   - iteration order (mediasoup never depends on one; unordered_dense's own
//     changes on erase too);
//   - reference stability: the std containers keep references valid where
//     unordered_dense may move elements, a stronger guarantee;
//   - speed: a node-based map instead of a dense vector. The worker's lookups
//     per packet are a few, keyed by SSRC (std::hash of an integer is the
//     identity), measured by bench:sfu against the same worker's old build.
// Hash functors that mediasoup declares with `using is_avalanching = void;`
// work as is: std ignores the member.
#ifndef PARLEY_ANKERL_UNORDERED_DENSE_ON_STD_H
#define PARLEY_ANKERL_UNORDERED_DENSE_ON_STD_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace ankerl::unordered_dense
{
	template<class T, class Enable = void>
	struct hash : std::hash<T>
	{
	};

	template<
	  class Key,
	  class T,
	  class Hash      = hash<Key>,
	  class KeyEqual  = std::equal_to<Key>,
	  class Allocator = std::allocator<std::pair<const Key, T>>>
	using map = std::unordered_map<Key, T, Hash, KeyEqual, Allocator>;

	template<class Key, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>, class Allocator = std::allocator<Key>>
	using set = std::unordered_set<Key, Hash, KeyEqual, Allocator>;
} // namespace ankerl::unordered_dense

#endif // PARLEY_ANKERL_UNORDERED_DENSE_ON_STD_H
