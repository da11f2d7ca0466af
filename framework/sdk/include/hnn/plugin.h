// The plugin contract: what a shared library exports to be loaded by hnn-host.
//
// A plugin library exports exactly one symbol, `hnn_plugin` (a Boost.DLL alias in the
// section "hnn"), pointing to a PluginDescriptor. The host reads the descriptor's
// abi_version and build_tag before it touches any C++ symbol, refuses the library when
// either differs from its own, and otherwise calls register_plugin() inside try/catch.
// Nothing is registered from static constructors (a throw during dlopen cannot be caught).
//
// Usage, once per plugin library (at namespace scope, in one .cc file):
//
//   #include "hnn/plugin.h"
//   void register_my_plugin(hnn::Registry& registry) { registry.add_system(...); }
//   HNN_PLUGIN("my_plugin", "1.0.0", register_my_plugin)
//
// Build it with hnn_add_plugin() from the hnn CMake package, which applies the flags that
// the build tag checks.
#ifndef HNN_PLUGIN_H_
#define HNN_PLUGIN_H_

#ifndef BOOST_DLL_USE_STD_FS
#define BOOST_DLL_USE_STD_FS
#endif
#include <boost/dll/alias.hpp>

#include "hnn/build_tag.h"
#include "hnn/registry.h"
#include "hnn/version.h"

namespace hnn {

// Layout contract: abi_version is the first member and stays an int at offset 0 in every
// ABI version, so that any host can read it from any plugin.
struct PluginDescriptor {
  int abi_version;
  const char* build_tag;
  const char* name;     // the plugin library's name, for messages
  const char* version;  // the plugin's own version
  void (*register_plugin)(Registry& registry);
};

}  // namespace hnn

#define HNN_PLUGIN(plugin_name, plugin_version, register_function)                               \
  extern "C" BOOST_SYMBOL_EXPORT const ::hnn::PluginDescriptor hnn_plugin_descriptor;            \
  const ::hnn::PluginDescriptor hnn_plugin_descriptor{                                           \
      ::hnn::kPluginAbiVersion, HNN_BUILD_TAG, plugin_name, plugin_version, &register_function}; \
  BOOST_DLL_ALIAS_SECTIONED(hnn_plugin_descriptor, hnn_plugin, hnn)

#endif  // HNN_PLUGIN_H_
