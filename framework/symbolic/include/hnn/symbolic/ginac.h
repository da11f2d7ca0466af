// GiNaC, included with default symbol visibility. Include this instead of
// <ginac/ginac.h> in any SDK header or plugin.
//
// Plugins are built with -fvisibility=hidden (hnn_add_plugin). Without the push/pop below, a
// plugin gets its own hidden copies of GiNaC's type information, and GiNaC, which compares
// expressions by type identity, stops recognising equal symbols ("unknown symbol q" for a
// formula in q).
#ifndef HNN_SYMBOLIC_GINAC_H_
#define HNN_SYMBOLIC_GINAC_H_

#pragma GCC visibility push(default)
#include <ginac/ginac.h>
#pragma GCC visibility pop

#endif  // HNN_SYMBOLIC_GINAC_H_
