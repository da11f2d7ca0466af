// report.html as a reader sees it: opened in headless Chromium, every image must load.
// And hnn-host's report hooks: --report RUN_DIR, the report after a run, --no-report.
//
// Chromium is required (CI installs it): without it the browser tests fail, saying so.
#include <doctest/doctest.h>

#include <cstdlib>

#include "report_test_support.h"

namespace fs = std::filesystem;
using hnn::testing::contains;
using hnn::testing::copy_fixture_run;
using hnn::testing::read_text;
using hnn::testing::report_scratch;
using hnn::testing::write_text;

namespace {

struct Result {
  int status;
  std::string out;
  std::string err;
};

// Runs `command` (shell syntax) with standard output and error captured in `directory`.
Result run(const std::string& command, const fs::path& directory) {
  const fs::path out = directory / "stdout.txt", err = directory / "stderr.txt";
  const std::string line = command + " >'" + out.string() + "' 2>'" + err.string() + "'";
  const int raw = std::system(line.c_str());
  return Result{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read_text(out), read_text(err)};
}

Result host(const std::string& arguments, const fs::path& directory) {
  return run("HNN_PLUGIN_PATH= '" HNN_HOST "' " + arguments, directory);
}

// The Chromium to use: $HNN_CHROMIUM, else the one CMake found. Fails the test (does not
// skip it) when there is none.
std::string chromium() {
  const char* from_environment = std::getenv("HNN_CHROMIUM");
  const std::string path = from_environment != nullptr ? from_environment : HNN_CHROMIUM;
  if (path.empty() || !fs::exists(path)) {
    FAIL("Chromium not found ('" << path
                                 << "'): the report browser test needs it; install it with "
                                    "scripts/install-dependencies (Debian package chromium) "
                                    "or set HNN_CHROMIUM");
  }
  return path;
}

std::string chromium_command(const fs::path& scratch) {
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) about "'" + std::string.
  std::string command = "'";
  command += chromium();
  command += "' --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run ";
  command += "--no-default-browser-check --user-data-dir='" + (scratch / "profile").string();
  command += "' --virtual-time-budget=10000 ";
  return command;
}

// Writes beside `report` a copy that, once loaded, lists every image and whether it loaded
// (complete with a natural width) in <pre id="image-check">, for --dump-dom to show.
fs::path write_image_check_page(const fs::path& report) {
  std::string html = read_text(report);
  const std::string script = R"(<script>
window.addEventListener('load', function () {
  var lines = [];
  for (var i = 0; i < document.images.length; ++i) {
    var image = document.images[i];
    var loaded = image.complete && image.naturalWidth > 0 && image.naturalHeight > 0;
    lines.push((loaded ? 'loaded ' : 'broken ') + image.getAttribute('src'));
  }
  var check = document.createElement('pre');
  check.id = 'image-check';
  check.textContent = 'images: ' + document.images.length + '\n' + lines.join('\n');
  document.body.appendChild(check);
});
</script>
)";
  const auto body_end = html.rfind("</body>");
  REQUIRE(body_end != std::string::npos);
  html.insert(body_end, script);
  const fs::path page = report.parent_path() / "report_image_check.html";
  write_text(page, html);
  return page;
}

// The end of Chromium's chatty standard error (D-Bus complaints and the like).
std::string tail(const std::string& text) {
  return text.size() <= 1500 ? text : "..." + text.substr(text.size() - 1500);
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("report.html renders in headless Chromium and every image loads") {
  const fs::path run_directory = copy_fixture_run("browser");
  const fs::path scratch = run_directory.parent_path();
  const auto report = host("--report '" + run_directory.string() + "'", scratch);
  INFO(report.err);
  REQUIRE(report.status == 0);
  CHECK(report.out == "report: " + (run_directory / "report.html").string() + "\n");

  const fs::path page = write_image_check_page(run_directory / "report.html");
  const auto dom =
      run(chromium_command(scratch) + "--dump-dom 'file://" + page.string() + "'", scratch);
  INFO("chromium's standard error ends: " << tail(dom.err));
  REQUIRE(dom.status == 0);
  CHECK(contains(dom.out, "<h1>hnn run: spring_kan</h1>"));
  CHECK(contains(dom.out, "<th>kan_l1</th>"));
  CHECK(contains(dom.out, "<code>1.00*q^2 + 1.00*p^2 + 1.08</code>"));
  CHECK(contains(dom.out, "<strong>exact</strong> to 0.01"));
  CHECK(contains(dom.out, "<pre id=\"image-check\">images: 7\n"));
  CHECK(count(dom.out, "\nloaded figures/") == 7);
  CHECK(contains(dom.out, "loaded figures/network_kan.svg"));
  CHECK_FALSE(contains(dom.out, "\nbroken "));

  const fs::path screenshot = scratch / "report_screenshot.png";
  const auto shot =
      run(chromium_command(scratch) + "--window-size=1280,2400 --screenshot='" +
              screenshot.string() + "' 'file://" + (run_directory / "report.html").string() + "'",
          scratch);
  INFO("chromium's standard error ends: " << tail(shot.err));
  CHECK(shot.status == 0);
  REQUIRE(fs::exists(screenshot));
  CHECK(read_text(screenshot).rfind("\x89PNG\r\n\x1a\n", 0) == 0);
  CHECK(fs::file_size(screenshot) > 50000);
}

TEST_CASE("hnn-host --report: errors name the folder or file and exit 2") {
  const fs::path scratch = report_scratch("host_errors");
  const auto missing = host("--report /nonexistent/run", scratch);
  CHECK(missing.status == 2);
  CHECK(missing.err == "/nonexistent/run: error: not a run folder (it does not exist)\n");
  CHECK(missing.out.empty());

  const fs::path run_directory = copy_fixture_run("host_errors_run");
  fs::remove(run_directory / "trajectories.csv");
  const auto no_file = host("--report '" + run_directory.string() + "'", scratch);
  CHECK(no_file.status == 2);
  CHECK(no_file.err == (run_directory / "trajectories.csv").string() +
                           ": error: cannot read the file (it does not exist)\n");
  CHECK_FALSE(fs::exists(run_directory / "report.html"));

  const auto both = host("--report '" + run_directory.string() + "' pipeline.yaml", scratch);
  CHECK(both.status == 2);
  CHECK(contains(both.err, "--report takes a run folder, not a pipeline file"));

  const auto help = host("--help", scratch);
  CHECK(help.status == 0);
  CHECK(contains(help.out, "hnn-host --report RUN_DIR"));
  CHECK(contains(help.out, "--no-report"));
}

TEST_CASE(
    "hnn-host writes the report after a run, not with --no-report, and a failed "
    "report keeps the results") {
  const fs::path scratch = report_scratch("host_run");
  const std::string quick = "'" HNN_END_TO_END_PIPELINE
                            "' --quiet --set training.optimizer.epochs=3 "
                            "--set evaluation.points=50 -o ";
  const fs::path with_report = scratch / "with_report";
  const auto ran = host(quick + "'" + with_report.string() + "'", scratch);
  INFO(ran.err);
  REQUIRE(ran.status == 0);
  CHECK(contains(ran.out, "\nreport: " + (with_report / "report.html").string() + "\n"));
  CHECK(fs::exists(with_report / "report.html"));
  CHECK(fs::exists(with_report / "figures" / "losses.svg"));
  CHECK(fs::exists(with_report / "figures" / "energy.png"));

  const fs::path without_report = scratch / "without_report";
  const auto quiet = host(quick + "'" + without_report.string() + "' --no-report", scratch);
  CHECK(quiet.status == 0);
  CHECK_FALSE(contains(quiet.out, "report: "));
  CHECK(fs::exists(without_report / "summary.yaml"));
  CHECK_FALSE(fs::exists(without_report / "report.html"));
  CHECK_FALSE(fs::exists(without_report / "figures"));

  // figures/ is a file, so the report cannot be written: exit 1, the results stay. (--force
  // would empty the folder first; a resumed run writes into it as it is. The hidden
  // --test-signal-after-epochs interrupts the first run after its first epoch.)
  const fs::path blocked = scratch / "blocked";
  fs::remove_all(blocked);
  REQUIRE(host(quick + "'" + blocked.string() + "' --test-signal-after-epochs TERM:1", scratch)
              .status == 143);
  write_text(blocked / "figures", "not a folder");
  const auto failed = host("--quiet --resume '" + blocked.string() + "'", scratch);
  CHECK(failed.status == 1);
  CHECK(contains(failed.err, "hnn-host: error: the report failed: "));
  CHECK(contains(failed.err, "figures"));
  CHECK(fs::exists(blocked / "summary.yaml"));
  CHECK(fs::exists(blocked / "trajectories.csv"));
  CHECK_FALSE(fs::exists(blocked / "report.html"));
}
