// Figure: the diagram of an edge network (KAN), pykan style.
#include <plplot.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "figure_plan.h"

namespace hnn::report::internal {

namespace {

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

std::string width_text(const std::vector<int>& width) {
  std::string text = "[";
  for (std::size_t l = 0; l < width.size(); ++l) {
    text += (l == 0 ? "" : ", ") + std::to_string(width[l]);
  }
  return text + "]";
}

// `value` with `digits` significant digits, trailing zeros kept ("1.00000"): an R² of
// 0.99999999986 is not exactly 1.
std::string significant_digits(double value, int digits) {
  char text[48];
  std::snprintf(text, sizeof text, "%#.*g", digits, value);
  return text;
}

// The whole page as the world: normalized page coordinates.
void page_coordinates() {
  plvpor(0, 1, 0, 1);
  plwind(0, 1, 0, 1);
}

// Geometry of the diagram, in normalized page coordinates. Rows alternate: node row l at
// level 2l, the activation boxes of the edges from layer l at level 2l + 1.
struct Layout {
  static constexpr double kLeft = 0.04, kRight = 0.96, kBottom = 0.12, kTop = 0.86;
  const std::vector<int>& width;

  double level_y(std::size_t level) const {
    const std::size_t levels = 2 * width.size() - 1;
    return kBottom + double(level) * (kTop - kBottom) / double(levels - 1);
  }
  double level_spacing() const { return (kTop - kBottom) / double(2 * width.size() - 2); }
  double node_x(std::size_t layer, int node) const {
    return kLeft + (node + 0.5) * (kRight - kLeft) / width[layer];
  }
  std::size_t boxes(std::size_t layer) const {
    return std::size_t(width[layer]) * std::size_t(width[layer + 1]);
  }
  double slot(std::size_t layer) const { return (kRight - kLeft) / double(boxes(layer)); }
  // Boxes are ordered by input, then output.
  double box_x(const NetworkEdge& edge) const {
    const std::size_t layer = std::size_t(edge.layer);
    const std::size_t k =
        std::size_t(edge.input) * std::size_t(width[layer + 1]) + std::size_t(edge.output);
    return kLeft + (double(k) + 0.5) * slot(layer);
  }
  double box_width(std::size_t layer) const { return std::min(0.5 * slot(layer), 0.16); }
  double box_height() const { return std::min(0.62 * level_spacing(), 0.16); }
};

void draw_activation(const NetworkEdge& edge, double x, double y, double w, double h,
                     double text_scale) {
  plvpor(x - w / 2, x + w / 2, y - h / 2, y + h / 2);
  const auto x_range = data_range({&edge.x}, false, 0.02);
  const auto y_range = data_range({&edge.y}, false, 0.1);
  plwind(x_range ? x_range->low : -1, x_range ? x_range->high : 1, y_range ? y_range->low : -1,
         y_range ? y_range->high : 1);
  // The white fill hides the edge line behind the box.
  const PLFLT corner_x[] = {x_range ? x_range->low : -1, x_range ? x_range->high : 1,
                            x_range ? x_range->high : 1, x_range ? x_range->low : -1};
  const PLFLT corner_y[] = {y_range ? y_range->low : -1, y_range ? y_range->low : -1,
                            y_range ? y_range->high : 1, y_range ? y_range->high : 1};
  plcol0(kWhite);
  plfill(4, corner_x, corner_y);
  plcol0(edge.pruned ? kLightGrey : kDarkGrey);
  plwidth(0.8);
  plbox("bc", 0, 0, "bc", 0, 0);
  if (x_range && y_range && edge.x.size() > 1) {
    plcol0(edge.pruned ? kLightGrey : series_colour(0));
    plwidth(1.6);
    std::vector<PLFLT> xs, ys;
    for (std::size_t i = 0; i < edge.x.size(); ++i) {
      if (std::isfinite(edge.x[i]) && std::isfinite(edge.y[i])) {
        xs.push_back(edge.x[i]);
        ys.push_back(edge.y[i]);
      }
    }
    plline(PLINT(xs.size()), xs.data(), ys.data());
  } else {
    plschr(0, text_scale * 0.6);
    plcol0(kDarkGrey);
    plmtex("t", -1.5, 0.5, 0.5, "no samples");
  }
  plwidth(1);
  page_coordinates();
}

// `name` made safe as part of a file name: characters other than letters, digits, '-'
// and '_' become '_'.
std::string file_stem(const std::string& name) {
  std::string stem = name;
  for (char& c : stem) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
    if (!safe) c = '_';
  }
  return stem;
}

}  // namespace

FigurePlan plan_network_diagram(const EdgeNetwork& network) {
  FigurePlan plan;
  plan.name = "network_" + file_stem(network.model);
  plan.title = "Network of " + network.model;
  plan.caption =
      "The edge network " + network.model + " (network/" + network.model + ".yaml and .csv), " +
      "width " + width_text(network.width) + ": inputs (" + join(network.input_names) +
      ") at the bottom, outputs (" + join(network.output_names) +
      ") at the top. The box on each edge plots the edge's learned activation φ (vertical) "
      "against its input x (horizontal), each on its own scale; the line weight grows with "
      "the edge's scale (mean |φ| / grid width); pruned edges are light grey; the fitted "
      "symbolic function, when there is one, is written beside its edge (with its R² where "
      "there is room).";
  plan.draw = [&network](PlotCanvas& canvas) {
    const double text_scale = canvas.options().text_scale;
    const Layout layout{network.width};
    page_coordinates();
    plcol0(kBlack);
    plschr(0, text_scale * 1.1);
    plptex(0.5, 0.95, 1, 0, 0.5,
           plplot_text("Edge network " + network.model + ", width " + width_text(network.width))
               .c_str());
    double max_scale = 0;
    for (const auto& edge : network.edges) {
      if (!edge.pruned) max_scale = std::max(max_scale, edge.scale);
    }
    const double box_h = layout.box_height();
    // Edges first, so that boxes and nodes are drawn over them.
    for (const auto& edge : network.edges) {
      const std::size_t layer = std::size_t(edge.layer);
      const double x = layout.box_x(edge), y = layout.level_y(2 * layer + 1);
      const double strength = max_scale > 0 ? edge.scale / max_scale : 0.0;
      plcol0(edge.pruned ? kLightGrey : kBlack);
      plwidth(edge.pruned ? 0.8 : 0.6 + 4.4 * strength);
      pljoin(layout.node_x(layer, edge.input), layout.level_y(2 * layer), x, y - box_h / 2);
      pljoin(x, y + box_h / 2, layout.node_x(layer + 1, edge.output),
             layout.level_y(2 * layer + 2));
    }
    plwidth(1);
    for (const auto& edge : network.edges) {
      const std::size_t layer = std::size_t(edge.layer);
      const double x = layout.box_x(edge), y = layout.level_y(2 * layer + 1);
      const double box_w = layout.box_width(layer);
      draw_activation(edge, x, y, box_w, box_h, text_scale);
      const double label_scale = text_scale * std::clamp(layout.slot(layer) / 0.2, 0.45, 0.8);
      plschr(0, label_scale);
      plcol0(edge.pruned ? kLightGrey : kBlack);
      const double label_x = x + box_w / 2 + 0.006;
      if (!edge.function.empty()) {
        plptex(label_x, y + 0.012, 1, 0, 0, plplot_text(edge.function).c_str());
        if (layout.slot(layer) >= 0.15) {  // R² only where there is room for it
          plschr(0, label_scale * 0.8);
          plcol0(edge.pruned ? kLightGrey : kDarkGrey);
          plptex(label_x, y - 0.03, 1, 0, 0, ("R² " + significant_digits(edge.r2, 6)).c_str());
        }
      } else if (edge.pruned && layout.slot(layer) >= 0.15) {
        plptex(label_x, y - 0.01, 1, 0, 0, "pruned");
      }
    }
    // Nodes, with the input names below and the output names above.
    for (std::size_t layer = 0; layer < network.width.size(); ++layer) {
      const double y = layout.level_y(2 * layer);
      for (int node = 0; node < network.width[layer]; ++node) {
        const PLFLT x = layout.node_x(layer, node), node_y = y;
        plcol0(kBlack);
        plschr(0, text_scale * 1.4);
        plstring(1, &x, &node_y, "●");
        plschr(0, text_scale);
        if (layer == 0) {
          plptex(x, y - 0.055, 1, 0, 0.5,
                 plplot_text(network.input_names[std::size_t(node)]).c_str());
        } else if (layer + 1 == network.width.size()) {
          plptex(x, y + 0.04, 1, 0, 0.5,
                 plplot_text(network.output_names[std::size_t(node)]).c_str());
        }
      }
    }
    plschr(0, text_scale);
    canvas.footnote(
        "Boxes: each edge's learned activation φ(x), x across, φ up (own scales). Line weight "
        "∝ edge scale; light grey: pruned.");
  };
  return plan;
}

}  // namespace hnn::report::internal
