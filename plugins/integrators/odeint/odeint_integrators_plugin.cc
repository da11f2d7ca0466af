// The odeint_integrators plugin library: registers rk45, rk4 and gauss_legendre.
#include "dormand_prince_integrator.h"
#include "gauss_legendre_integrator.h"
#include "hnn/plugin.h"
#include "hnn/plugin_class.h"
#include "runge_kutta4_integrator.h"

namespace {

using hnn::integrators::DormandPrinceIntegrator;
using hnn::integrators::GaussLegendreIntegrator;
using hnn::integrators::RungeKutta4Integrator;

void register_odeint_integrators(hnn::Registry& registry) {
  hnn::add_plugin_class<DormandPrinceIntegrator>(
      registry, "rk45", "adaptive Dormand-Prince 5(4), SciPy solve_ivp RK45 step for step");
  hnn::add_plugin_class<RungeKutta4Integrator>(
      registry, "rk4", "classic 4th-order Runge-Kutta with a fixed largest step");
  hnn::add_plugin_class<GaussLegendreIntegrator>(
      registry, "gauss_legendre", "symplectic implicit Gauss-Legendre collocation, orders 2, 4, 6");
}

}  // namespace

HNN_PLUGIN("odeint_integrators", "0.1.0", register_odeint_integrators)
