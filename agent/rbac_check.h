#pragma once

#include <iosfwd>

namespace kubecensus::agent {

class AgentRuntime;

// `kubecensus-agent rbac-check`: asks the API server (SelfSubjectAccessReview) whether the
// agent may do what each enabled source declared it needs, and prints, per source, what is
// allowed, what is missing and the RBAC rule that would allow it. Returns the exit code:
// 0 when everything is allowed, 1 when something is missing or the server cannot be asked.
int rbacCheck(AgentRuntime& runtime, std::ostream& out);

}  // namespace kubecensus::agent
