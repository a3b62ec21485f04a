#pragma once
// Matches method + path against route templates like /api/v1/users/{id}. Knows 404 from 405.
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ims::api {

template <typename Handler>
class Router {
 public:
  struct Route {
    std::string method;
    std::string pattern;
    Handler handler;
    std::vector<std::string> segments;
  };

  struct Match {
    enum class Kind { found, not_found, method_not_allowed } kind = Kind::not_found;
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed;  // for 405
  };

  void add(std::string method, std::string pattern, Handler handler) {
    auto segments = split(pattern);
    routes_.push_back(Route{std::move(method), std::move(pattern), std::move(handler), std::move(segments)});
  }

  Match match(const std::string& method, const std::string& path) const {
    Match result;
    const auto parts = split(path);
    for (const auto& route : routes_) {
      std::map<std::string, std::string> params;
      if (!matches(route.segments, parts, params)) continue;
      if (route.method == method || (method == "HEAD" && route.method == "GET")) {
        result.kind = Match::Kind::found;
        result.route = &route;
        result.params = std::move(params);
        return result;
      }
      result.kind = Match::Kind::method_not_allowed;
      result.allowed.push_back(route.method);
    }
    return result;
  }

  const std::vector<Route>& routes() const { return routes_; }

 private:
  static std::vector<std::string> split(const std::string& path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < path.size()) {
      if (path[start] == '/') {
        ++start;
        continue;
      }
      auto end = path.find('/', start);
      if (end == std::string::npos) end = path.size();
      out.push_back(path.substr(start, end - start));
      start = end;
    }
    return out;
  }

  static bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& parts,
                      std::map<std::string, std::string>& params) {
    if (pattern.size() != parts.size()) return false;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      const auto& p = pattern[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        if (parts[i].empty()) return false;
        params[p.substr(1, p.size() - 2)] = parts[i];
      } else if (p != parts[i]) {
        return false;
      }
    }
    return true;
  }

  std::vector<Route> routes_;
};

}  // namespace ims::api
