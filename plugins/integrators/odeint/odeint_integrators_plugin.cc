// The odeint_integrators plugin library: registers rk45, rk4 and gauss_legendre.
#include <memory>

#include "dormand_prince_integrator.h"
#include "gauss_legendre_integrator.h"
#include "hnn/plugin.h"
#include "runge_kutta4_integrator.h"

namespace {

using hnn::integrators::DormandPrinceIntegrator;
using hnn::integrators::GaussLegendreIntegrator;
using hnn::integrators::RungeKutta4Integrator;

void register_odeint_integrators(hnn::Registry& registry) {
  registry.add_integrator("rk45",
                          "adaptive Dormand-Prince 5(4), SciPy solve_ivp RK45 step for step",
                          DormandPrinceIntegrator::schema(), [](const hnn::Options& options) {
                            return std::make_unique<DormandPrinceIntegrator>(options);
                          });
  registry.add_integrator("rk4", "classic 4th-order Runge-Kutta with a fixed largest step",
                          RungeKutta4Integrator::schema(), [](const hnn::Options& options) {
                            return std::make_unique<RungeKutta4Integrator>(options);
                          });
  registry.add_integrator("gauss_legendre",
                          "symplectic implicit Gauss-Legendre collocation, orders 2, 4, 6",
                          GaussLegendreIntegrator::schema(), [](const hnn::Options& options) {
                            return std::make_unique<GaussLegendreIntegrator>(options);
                          });
}

}  // namespace

HNN_PLUGIN("odeint_integrators", "0.1.0", register_odeint_integrators)
