// did_you_mean: the likely intended word behind a typo, for error messages that name an
// unknown key, plugin or function ("unknown key 'hiden' (did you mean 'hidden'?)").
#ifndef HNN_DID_YOU_MEAN_H_
#define HNN_DID_YOU_MEAN_H_

#include <string>
#include <vector>

namespace hnn {

// The closest of `candidates` to `word` when it is close enough to be a likely typo
// (edit distance at most max(1, |word| / 3)), else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace hnn

#endif  // HNN_DID_YOU_MEAN_H_
