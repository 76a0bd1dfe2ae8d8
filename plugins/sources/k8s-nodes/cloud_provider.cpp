#include "cloud_provider.h"

#include <algorithm>
#include <array>

namespace kubecensus::k8s {
namespace {

// The schemes that today's (2025) cloud controller managers and node providers write; keep
// sorted. A scheme listed here that no provider writes costs nothing; one missing reads as
// "unknown". Some are not clouds (kind, k3s, rke2, kubevirt, metal3) but say
// how the cluster runs just as usefully.
constexpr std::array<std::string_view, 32> kKnownProviders{
    "alicloud",      // Alibaba Cloud
    "aws",           // aws:///<zone>/<instance>  (EKS and self-managed)
    "azure",         // azure:///subscriptions/...  (AKS and self-managed)
    "brightbox",     //
    "civo",          //
    "cloudscale",    // cloudscale.ch
    "cloudstack",    // Apache CloudStack
    "digitalocean",  // digitalocean://<droplet>  (DOKS)
    "equinixmetal",  // Equinix Metal
    "exoscale",      //
    "gce",           // gce://<project>/<zone>/<instance>  (GKE and self-managed)
    "hcloud",        // Hetzner Cloud
    "hrobot",        // Hetzner Robot (dedicated servers, via the hcloud controller)
    "huaweicloud",   //
    "ibm",           // IBM Cloud
    "ionos",         //
    "k3s",           // k3s://<node>  (k3s' embedded cloud provider)
    "kind",          // kind://<runtime>/<cluster>/<node>
    "kubevirt",      // KubeVirt VMs as nodes
    "linode",        // linode://<id>  (LKE)
    "metal3",        // Metal3 bare metal
    "nutanix",       //
    "oci",           // Oracle Cloud Infrastructure
    "openstack",     // OpenStack (also OVHcloud, STACKIT, ...)
    "packet",        // Equinix Metal's former name
    "proxmox",       //
    "qcloud",        // Tencent Cloud
    "rke2",          // rke2://<node>  (RKE2's embedded cloud provider)
    "scaleway",      //
    "upcloud",       //
    "vsphere",       // vsphere://<uuid>  (VMware vSphere)
    "vultr",         //
};
static_assert(std::is_sorted(kKnownProviders.begin(), kKnownProviders.end()));

}  // namespace

std::span<const std::string_view> knownCloudProviders() {
  return kKnownProviders;
}

std::string cloudProviderOf(std::string_view providerID) {
  const std::size_t separator = providerID.find("://");
  if (separator == std::string_view::npos) return kUnknownCloudProvider;
  const std::string_view scheme = providerID.substr(0, separator);
  if (!std::binary_search(kKnownProviders.begin(), kKnownProviders.end(), scheme))
    return kUnknownCloudProvider;
  return std::string(scheme);
}

}  // namespace kubecensus::k8s
