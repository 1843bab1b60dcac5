//! The AWS-managed access policies (`arn:<partition>:eks::aws:cluster-access-policy/<Name>`):
//! every name ekslint knows, where that name is published, and what the EKS access policy
//! reference says of its use. EKS202 warns about any other name.

/// Where a policy name is published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// The EKS User Guide's access policy reference.
    Reference,
    /// The example output of `aws eks list-access-policies` in the AWS CLI reference.
    CliExample,
    /// The EKS User Guide's pages on EKS capabilities (the policies EKS gives their roles).
    Capabilities,
    /// The SageMaker HyperPod guide's setup of Studio on EKS clusters.
    SageMakerHyperPod,
    /// Reported in `aws eks list-access-policies` output in 2026, but in no AWS reference
    /// (a newer name may not be in the list yet: EKS202 is a warning).
    ListedOnly,
}

impl Source {
    /// The public page that lists the name (empty for a name only seen in API output).
    pub(crate) fn url(self) -> &'static str {
        match self {
            Source::Reference => {
                "https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html"
            }
            Source::CliExample => {
                "https://docs.aws.amazon.com/cli/latest/reference/eks/list-access-policies.html"
            }
            Source::Capabilities => {
                "https://docs.aws.amazon.com/eks/latest/userguide/capabilities-security.html"
            }
            Source::SageMakerHyperPod => {
                "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-studio-setup-eks.html"
            }
            Source::ListedOnly => "",
        }
    }
}

/// One access policy.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AccessPolicy {
    pub name: &'static str,
    pub source: Source,
    /// The reference designates it "for AWS service-linked roles only": it cannot be used with
    /// customer-managed roles (EKS211).
    pub service_linked_only: bool,
}

const fn policy(name: &'static str, source: Source) -> AccessPolicy {
    AccessPolicy {
        name,
        source,
        service_linked_only: false,
    }
}

const fn service_linked(name: &'static str) -> AccessPolicy {
    AccessPolicy {
        name,
        source: Source::Reference,
        service_linked_only: true,
    }
}

use Source::*;

/// Every AWS-managed access policy ekslint knows.
pub(crate) const ACCESS_POLICIES: &[AccessPolicy] = &[
    policy("AmazonEKSAdminPolicy", Reference),
    policy("AmazonEKSClusterAdminPolicy", Reference),
    policy("AmazonEKSAdminViewPolicy", Reference),
    policy("AmazonEKSEditPolicy", Reference),
    policy("AmazonEKSViewPolicy", Reference),
    policy("AmazonEKSSecretReaderPolicy", Reference),
    policy("AmazonEKSAutoNodePolicy", Reference),
    service_linked("AmazonEKSBlockStoragePolicy"),
    policy("AmazonEKSLoadBalancingPolicy", Reference),
    policy("AmazonEKSNetworkingPolicy", Reference),
    service_linked("AmazonEKSComputePolicy"),
    service_linked("AmazonEKSBlockStorageClusterPolicy"),
    service_linked("AmazonEKSComputeClusterPolicy"),
    policy("AmazonEKSLoadBalancingClusterPolicy", Reference),
    policy("AmazonEKSNetworkingClusterPolicy", Reference),
    service_linked("AmazonEKSHybridPolicy"),
    service_linked("AmazonEKSClusterInsightsPolicy"),
    policy("AmazonAIOpsAssistantPolicy", Reference),
    policy("AmazonARCRegionSwitchScalingPolicy", Reference),
    policy("AmazonEMRJobPolicy", CliExample),
    policy("AmazonSagemakerHyperpodClusterPolicy", CliExample),
    policy("AmazonSagemakerHyperpodControllerPolicy", CliExample),
    policy("AmazonSagemakerHyperpodSystemNamespacePolicy", CliExample),
    policy("AmazonEKSACKPolicy", Capabilities),
    policy("AmazonEKSArgoCDClusterPolicy", Capabilities),
    policy("AmazonEKSArgoCDPolicy", Capabilities),
    policy("AmazonEKSKROPolicy", Capabilities),
    policy("AmazonSagemakerHyperpodSpacePolicy", SageMakerHyperPod),
    policy(
        "AmazonSagemakerHyperpodSpaceTemplatePolicy",
        SageMakerHyperPod,
    ),
    policy(
        "AmazonSagemakerHyperpodUserClusterPolicy",
        SageMakerHyperPod,
    ),
    policy("AIDevOpsAgentAccessPolicy", ListedOnly),
    policy("AmazonEKSEventPolicy", ListedOnly),
    policy("AmazonEKSPodIdentityPolicy", ListedOnly),
    policy("AmazonEKSSecretAdminPolicy", ListedOnly),
    policy(
        "AmazonSagemakerHyperpodInferenceMonitoringPolicy",
        ListedOnly,
    ),
    policy("AWSBackupFullAccessPolicyForBackup", ListedOnly),
    policy("AWSBackupFullAccessPolicyForRestore", ListedOnly),
];

/// The access policy of a name (compared exactly).
pub(crate) fn lookup(name: &str) -> Option<&'static AccessPolicy> {
    ACCESS_POLICIES.iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_each_has_a_source() {
        for (i, p) in ACCESS_POLICIES.iter().enumerate() {
            assert!(
                ACCESS_POLICIES[..i].iter().all(|q| q.name != p.name),
                "{} twice",
                p.name
            );
            assert!(p.source == ListedOnly || p.source.url().starts_with("https://"));
            assert!(!p.service_linked_only || p.source == Reference);
        }
        let linked: Vec<&str> = ACCESS_POLICIES
            .iter()
            .filter(|p| p.service_linked_only)
            .map(|p| p.name)
            .collect();
        assert_eq!(linked.len(), 6);
    }
}
