//! A synthetic monorepo for benchmarks, in the three formats: every file holds one cluster with
//! about five access entries and five policy associations, whose values are literals, come from
//! variables, locals or parameters with defaults (known), or from ones without (unknown, where a
//! linter must stay silent); about 60% of the files carry one to three deliberate mistakes. The
//! text depends only on (format, index, seed): the same arguments give the same bytes.
//!
//! Also a single Terraform module of many files (`module`): one cluster in `main.tf` and five
//! entries and five associations in each other file, as a large team's module grows.
//!
//! Shared by `benches/monorepo.rs` and `tests/it/generated_corpus.rs` (kept in
//! `support/`, which cargo does not take for a benchmark of its own).

#![allow(dead_code)] // each user takes what it needs

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The default seed.
pub const SEED: u64 = 20_240_521;

const ACCOUNT: &str = "111122223333";
const POLICY: &str = "arn:aws:eks::aws:cluster-access-policy/";
const ADMIN_POLICIES: [&str; 2] = ["AmazonEKSAdminPolicy", "AmazonEKSClusterAdminPolicy"];
const TEAM_POLICIES: [&str; 3] = [
    "AmazonEKSViewPolicy",
    "AmazonEKSEditPolicy",
    "AmazonEKSAdminPolicy",
];
const NODE_TYPES: [&str; 4] = ["EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "HYBRID_LINUX"];
const TEAMS: [&str; 8] = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
];
const NAMESPACES: [&str; 7] = [
    "default",
    "apps",
    "team-a",
    "team-b",
    "monitoring",
    "dev-*",
    "batch",
];

/// A deliberate mistake, planted on one entry, association or cluster of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mistake {
    NonStandardGroups,
    NonStandardUsername,
    ReservedUsername,
    ReservedGroup,
    InvalidType,
    SessionNameWithoutColon,
    AssumedRolePrincipal,
    ServiceLinkedRole,
    NamespaceScopeWithoutNamespaces,
    ClusterScopeWithNamespaces,
    NotAccessPolicy,
    PolicyOnNodeEntry,
    DuplicatePrincipal,
    ConfigMapMode,
    /// Terraform only: an association whose principal has no entry.
    AssociationWithoutEntry,
}

const MISTAKES: [Mistake; 14] = [
    Mistake::NonStandardGroups,
    Mistake::NonStandardUsername,
    Mistake::ReservedUsername,
    Mistake::ReservedGroup,
    Mistake::InvalidType,
    Mistake::SessionNameWithoutColon,
    Mistake::AssumedRolePrincipal,
    Mistake::ServiceLinkedRole,
    Mistake::NamespaceScopeWithoutNamespaces,
    Mistake::ClusterScopeWithNamespaces,
    Mistake::NotAccessPolicy,
    Mistake::PolicyOnNodeEntry,
    Mistake::DuplicatePrincipal,
    Mistake::ConfigMapMode,
];

/// The three formats of the corpus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Terraform,
    CloudFormation,
    Eksctl,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Terraform, Format::CloudFormation, Format::Eksctl];

    pub fn name(self) -> &'static str {
        match self {
            Format::Terraform => "terraform",
            Format::CloudFormation => "cloudformation",
            Format::Eksctl => "eksctl",
        }
    }

    /// The path of file `i` under the corpus directory: a Terraform root module is a directory
    /// of its own, so that names never collide across files.
    pub fn path(self, i: usize) -> PathBuf {
        match self {
            Format::Terraform => PathBuf::from(format!("terraform/c{i:05}/main.tf")),
            Format::CloudFormation => PathBuf::from(format!("cloudformation/c{i:05}.yaml")),
            Format::Eksctl => PathBuf::from(format!("eksctl/c{i:05}.yaml")),
        }
    }

    /// The text of file `i`.
    pub fn text(self, i: usize, seed: u64) -> String {
        let mut rng = Rng::new(seed, self.name(), i);
        let plan = Plan::new(&mut rng, self);
        match self {
            Format::Terraform => terraform(i, &plan),
            Format::CloudFormation => cloudformation(i, &plan),
            Format::Eksctl => eksctl(i, &plan),
        }
    }
}

/// Writes files `1..=n` of a format under `out`; returns the bytes written.
pub fn write(out: &Path, format: Format, n: usize, seed: u64) -> std::io::Result<u64> {
    let mut bytes = 0;
    for i in 1..=n {
        let path = out.join(format.path(i));
        let text = format.text(i, seed);
        bytes += text.len() as u64;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(bytes)
}

/// Writes one Terraform module of `files` files under `out`: `main.tf` (the cluster, its
/// variables and locals) and `entries_NNNNN.tf` for the rest, each with five entries and five
/// associations. Returns the paths written, `main.tf` first.
pub fn write_module(out: &Path, files: usize, seed: u64) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out)?;
    let mut rng = Rng::new(seed, "module", 0);
    let plan = Plan::new(&mut rng, Format::Terraform);
    let main = out.join("main.tf");
    std::fs::write(&main, module_main(&plan))?;
    let mut paths = vec![main];
    for i in 1..files {
        let path = out.join(format!("entries_{i:05}.tf"));
        std::fs::write(&path, module_entries(i, seed))?;
        paths.push(path);
    }
    Ok(paths)
}

/// SplitMix64, seeded by the FNV-1a hash of (seed, stream, index): every file its own stream.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: &str, index: usize) -> Rng {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let key = format!("{seed}/{stream}/{index}");
        for b in key.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.range(0, items.len() - 1)]
    }

    /// `k` distinct items, in the order drawn.
    fn sample<T: Copy>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut pool = items.to_vec();
        (0..k)
            .map(|_| {
                let i = self.range(0, pool.len() - 1);
                pool.swap_remove(i)
            })
            .collect()
    }
}

/// What one file holds.
struct Plan {
    teams: Vec<&'static str>,
    mistakes: Vec<Mistake>,
    mode: &'static str,
    bootstrap: bool,
    node_type: &'static str,
    admin_policy: &'static str,
    team_policy: &'static str,
    namespaces: Vec<&'static str>,
    username: &'static str,
}

impl Plan {
    fn new(rng: &mut Rng, format: Format) -> Plan {
        let n_teams = rng.range(2, 4);
        let teams = rng.sample(&TEAMS, n_teams);
        let mut mistakes = Vec::new();
        if rng.chance(60) {
            let mut pool = MISTAKES.to_vec();
            if format == Format::Terraform {
                pool.push(Mistake::AssociationWithoutEntry);
            }
            let k = rng.range(1, 3);
            mistakes = rng.sample(&pool, k);
        }
        let mode = if mistakes.contains(&Mistake::ConfigMapMode) {
            "CONFIG_MAP"
        } else {
            rng.pick(&["API", "API_AND_CONFIG_MAP"])
        };
        let n_namespaces = rng.range(1, 3);
        let mut namespaces = rng.sample(&NAMESPACES, n_namespaces);
        namespaces.sort_unstable();
        Plan {
            teams,
            mistakes,
            mode,
            bootstrap: rng.chance(50),
            node_type: rng.pick(&NODE_TYPES),
            admin_policy: rng.pick(&ADMIN_POLICIES),
            team_policy: rng.pick(&TEAM_POLICIES),
            namespaces,
            username: rng.pick(&["ops-admin", "platform:{{SessionName}}", "admin"]),
        }
    }

    fn has(&self, m: Mistake) -> bool {
        self.mistakes.contains(&m)
    }
}

fn role(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

/// Appends formatted lines to a string (`line!(s, "...", args)`).
macro_rules! line {
    ($s:expr, $($arg:tt)*) => {{
        writeln!($s, $($arg)*).unwrap();
    }};
}

fn terraform(i: usize, p: &Plan) -> String {
    let mut s = String::new();
    line!(
        s,
        r#"variable "cluster_name" {{
  type    = string
  default = "gen-cluster-{i:05}"
}}

variable "ci_role_arn" {{
  description = "CI deployer role; no default, so its value is unknown"
  type        = string
}}

variable "ci_groups" {{
  type = list(string)
}}

locals {{
  account_id = "{ACCOUNT}"
  auth_mode  = "{mode}"
  team_roles = {{"#,
        mode = p.mode
    );
    for t in &p.teams {
        line!(
            s,
            r#"    {t:<8} = "arn:aws:iam::${{local.account_id}}:role/team-{t}""#
        );
    }
    line!(
        s,
        r#"  }}
  view_policy = "{POLICY}{team_policy}"
}}
"#,
        team_policy = p.team_policy
    );
    for (name, service) in [("cluster", "eks"), ("node", "ec2")] {
        line!(
            s,
            r#"resource "aws_iam_role" "{name}" {{
  name = "${{var.cluster_name}}-{name}"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "{service}.amazonaws.com" }} }}]
  }})
}}
"#
        );
    }
    line!(
        s,
        r#"resource "aws_eks_cluster" "main" {{
  name     = var.cluster_name
  role_arn = aws_iam_role.cluster.arn
  version  = "1.31"

  vpc_config {{
    subnet_ids              = ["subnet-0a{i:06}", "subnet-0b{i:06}"]
    endpoint_public_access  = false
    endpoint_private_access = true
  }}

  access_config {{
    authentication_mode                         = local.auth_mode
    bootstrap_cluster_creator_admin_permissions = {}
  }}
}}
"#,
        p.bootstrap
    );
    let admin = if p.has(Mistake::AssumedRolePrincipal) {
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/platform-admin-{i:05}/session")
    } else {
        role(&format!("platform-admin-{i:05}"))
    };
    line!(
        s,
        r#"resource "aws_eks_access_entry" "admin" {{
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = "{admin}"
  type          = "{}""#,
        if p.has(Mistake::InvalidType) {
            "Standard"
        } else {
            "STANDARD"
        }
    );
    let username = if p.has(Mistake::ReservedUsername) {
        "system:platform-admin"
    } else if p.has(Mistake::SessionNameWithoutColon) {
        "admin{{SessionName}}"
    } else {
        p.username
    };
    line!(s, r#"  user_name     = "{username}""#);
    if p.has(Mistake::ReservedGroup) {
        line!(s, r#"  kubernetes_groups = ["system:masters"]"#);
    }
    line!(
        s,
        r#"}}

resource "aws_eks_access_policy_association" "admin" {{
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = aws_eks_access_entry.admin.principal_arn"#
    );
    if p.has(Mistake::NotAccessPolicy) {
        line!(
            s,
            r#"  policy_arn    = "arn:aws:iam::aws:policy/AmazonEKSClusterAdminPolicy""#
        );
    } else {
        line!(s, r#"  policy_arn    = "{POLICY}{}""#, p.admin_policy);
    }
    line!(s, "\n  access_scope {{");
    if p.has(Mistake::NamespaceScopeWithoutNamespaces) {
        line!(s, r#"    type = "namespace""#);
    } else {
        line!(s, r#"    type = "cluster""#);
        if p.has(Mistake::ClusterScopeWithNamespaces) {
            line!(s, r#"    namespaces = ["kube-system"]"#);
        }
    }
    let namespaces: Vec<String> = p.namespaces.iter().map(|n| format!("\"{n}\"")).collect();
    line!(
        s,
        r#"  }}
}}

resource "aws_eks_access_entry" "team" {{
  for_each = local.team_roles

  cluster_name      = aws_eks_cluster.main.name
  principal_arn     = each.value
  kubernetes_groups = ["team-${{each.key}}"]
}}

resource "aws_eks_access_policy_association" "team" {{
  for_each = local.team_roles

  cluster_name  = aws_eks_cluster.main.name
  principal_arn = each.value
  policy_arn    = local.view_policy

  access_scope {{
    type       = "namespace"
    namespaces = [{}]
  }}

  depends_on = [aws_eks_access_entry.team]
}}

resource "aws_eks_access_entry" "nodes" {{
  cluster_name  = aws_eks_cluster.main.name"#,
        namespaces.join(", ")
    );
    if p.has(Mistake::ServiceLinkedRole) {
        line!(
            s,
            r#"  principal_arn = "arn:aws:iam::{ACCOUNT}:role/aws-service-role/eks-nodegroup.amazonaws.com/AWSServiceRoleForAmazonEKSNodegroup""#
        );
    } else {
        line!(s, "  principal_arn = aws_iam_role.node.arn");
    }
    line!(s, r#"  type          = "{}""#, p.node_type);
    if p.has(Mistake::NonStandardGroups) {
        line!(s, r#"  kubernetes_groups = ["node-extra"]"#);
    }
    if p.has(Mistake::NonStandardUsername) {
        line!(s, r#"  user_name     = "node-user""#);
    }
    line!(s, "}}\n");
    if p.has(Mistake::PolicyOnNodeEntry) {
        line!(
            s,
            r#"resource "aws_eks_access_policy_association" "nodes" {{
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = aws_eks_access_entry.nodes.principal_arn
  policy_arn    = "{POLICY}AmazonEKSViewPolicy"
  access_scope {{
    type = "cluster"
  }}
}}
"#
        );
    }
    let auditor = if p.has(Mistake::DuplicatePrincipal) {
        admin.clone()
    } else {
        role(&format!("auditor-{i:05}"))
    };
    line!(
        s,
        r#"resource "aws_eks_access_entry" "ci" {{
  cluster_name      = aws_eks_cluster.main.name
  principal_arn     = var.ci_role_arn
  kubernetes_groups = var.ci_groups
}}

resource "aws_eks_access_policy_association" "ci" {{
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = aws_eks_access_entry.ci.principal_arn
  policy_arn    = "{POLICY}AmazonEKSEditPolicy"
  access_scope {{
    type       = "namespace"
    namespaces = ["ci"]
  }}
}}

resource "aws_eks_access_entry" "auditor" {{
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = "{auditor}"
}}

resource "aws_eks_access_policy_association" "auditor" {{
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = aws_eks_access_entry.auditor.principal_arn
  policy_arn    = "{POLICY}AmazonEKSViewPolicy"
  access_scope {{
    type = "cluster"
  }}
}}"#
    );
    if p.has(Mistake::AssociationWithoutEntry) {
        line!(
            s,
            r#"
resource "aws_eks_access_policy_association" "orphan" {{
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = "{}"
  policy_arn    = "{POLICY}AmazonEKSViewPolicy"
  access_scope {{
    type = "cluster"
  }}
}}"#,
            role(&format!("no-entry-{i:05}"))
        );
    }
    s
}

fn cloudformation(i: usize, p: &Plan) -> String {
    let mut s = String::new();
    line!(
        s,
        r#"AWSTemplateFormatVersion: '2010-09-09'
Description: Synthetic EKS cluster {i:05} with access entries
Parameters:
  ClusterName:
    Type: String
    Default: gen-cluster-{i:05}
  AuthMode:
    Type: String
    Default: {mode}
  CiRoleArn:
    Type: String
    Description: no default, so the value is unknown
  SubnetIds:
    Type: List<AWS::EC2::Subnet::Id>
Resources:"#,
        mode = p.mode
    );
    for (name, service, managed) in [("ClusterRole", "eks", true), ("NodeRole", "ec2", false)] {
        line!(
            s,
            r#"  {name}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {{Service: {service}.amazonaws.com}}
            Action: sts:AssumeRole"#
        );
        if managed {
            line!(
                s,
                "      ManagedPolicyArns:\n        - !Sub arn:${{AWS::Partition}}:iam::aws:policy/AmazonEKSClusterPolicy"
            );
        }
    }
    line!(
        s,
        r#"  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: !Ref ClusterName
      Version: '1.31'
      RoleArn: !GetAtt ClusterRole.Arn
      ResourcesVpcConfig:
        SubnetIds: !Ref SubnetIds
        EndpointPublicAccess: false
        EndpointPrivateAccess: true
      AccessConfig:
        AuthenticationMode: !Ref AuthMode
        BootstrapClusterCreatorAdminPermissions: {}"#,
        p.bootstrap
    );
    let admin = if p.has(Mistake::AssumedRolePrincipal) {
        format!(
            "arn:${{AWS::Partition}}:sts::${{AWS::AccountId}}:assumed-role/platform-admin-{i:05}/session"
        )
    } else {
        format!("arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/platform-admin-{i:05}")
    };
    let username = if p.has(Mistake::ReservedUsername) {
        "eks:platform-admin"
    } else if p.has(Mistake::SessionNameWithoutColon) {
        "admin{{SessionName}}"
    } else {
        p.username
    };
    line!(
        s,
        r#"  AdminEntry:
    Type: AWS::EKS::AccessEntry
    Properties:
      ClusterName: !Ref Cluster
      PrincipalArn: !Sub {admin}
      Type: {}
      Username: '{username}'"#,
        if p.has(Mistake::InvalidType) {
            "Standard"
        } else {
            "STANDARD"
        }
    );
    if p.has(Mistake::ReservedGroup) {
        line!(s, "      KubernetesGroups:\n        - system:masters");
    }
    line!(s, "      AccessPolicies:");
    if p.has(Mistake::NotAccessPolicy) {
        line!(
            s,
            "        - PolicyArn: !Sub arn:${{AWS::Partition}}:iam::aws:policy/AmazonEKSClusterAdminPolicy"
        );
    } else {
        line!(
            s,
            "        - PolicyArn: !Sub arn:${{AWS::Partition}}:eks::aws:cluster-access-policy/{}",
            p.admin_policy
        );
    }
    line!(s, "          AccessScope:");
    if p.has(Mistake::NamespaceScopeWithoutNamespaces) {
        line!(s, "            Type: namespace");
    } else {
        line!(s, "            Type: cluster");
        if p.has(Mistake::ClusterScopeWithNamespaces) {
            line!(s, "            Namespaces: [kube-system]");
        }
    }
    for t in &p.teams {
        let mut title = t.to_string();
        title[..1].make_ascii_uppercase();
        line!(
            s,
            r#"  Team{title}Entry:
    Type: AWS::EKS::AccessEntry
    DependsOn: Cluster
    Properties:
      ClusterName: !Ref ClusterName
      PrincipalArn: !Sub 'arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/team-{t}'
      KubernetesGroups: [team-{t}]
      AccessPolicies:
        - PolicyArn: {POLICY}{}
          AccessScope:
            Type: namespace
            Namespaces:"#,
            p.team_policy
        );
        for ns in &p.namespaces {
            line!(s, "              - '{ns}'");
        }
    }
    line!(
        s,
        "  NodeEntry:\n    Type: AWS::EKS::AccessEntry\n    Properties:\n      ClusterName: !Ref Cluster"
    );
    if p.has(Mistake::ServiceLinkedRole) {
        line!(
            s,
            "      PrincipalArn: !Sub arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/aws-service-role/eks-nodegroup.amazonaws.com/AWSServiceRoleForAmazonEKSNodegroup"
        );
    } else {
        line!(s, "      PrincipalArn: !GetAtt NodeRole.Arn");
    }
    line!(s, "      Type: {}", p.node_type);
    if p.has(Mistake::NonStandardGroups) {
        line!(s, "      KubernetesGroups: [node-extra]");
    }
    if p.has(Mistake::NonStandardUsername) {
        line!(s, "      Username: node-user");
    }
    if p.has(Mistake::PolicyOnNodeEntry) {
        line!(
            s,
            "      AccessPolicies:\n        - PolicyArn: {POLICY}AmazonEKSViewPolicy\n          AccessScope: {{Type: cluster}}"
        );
    }
    let auditor = if p.has(Mistake::DuplicatePrincipal) {
        admin
    } else {
        format!("arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/auditor-{i:05}")
    };
    line!(
        s,
        r#"  CiEntry:
    Type: AWS::EKS::AccessEntry
    Properties:
      ClusterName: !Ref Cluster
      PrincipalArn: !Ref CiRoleArn
      AccessPolicies:
        - PolicyArn: {POLICY}AmazonEKSEditPolicy
          AccessScope:
            Type: namespace
            Namespaces: [ci]
  AuditorEntry:
    Type: AWS::EKS::AccessEntry
    Properties:
      ClusterName: !Ref Cluster
      PrincipalArn: !Sub {auditor}
      AccessPolicies:
        - PolicyArn: {POLICY}AmazonEKSViewPolicy
          AccessScope:
            Type: cluster
Outputs:
  ClusterArn:
    Value: !GetAtt Cluster.Arn"#
    );
    s
}

fn eksctl(i: usize, p: &Plan) -> String {
    let mut s = String::new();
    line!(
        s,
        r#"apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: gen-cluster-{i:05}
  region: us-west-2
  version: "1.31"
managedNodeGroups:
  - name: ng-1
    instanceType: m5.large
    desiredCapacity: 2
accessConfig:
  authenticationMode: {mode}
  bootstrapClusterCreatorAdminPermissions: {bootstrap}
  accessEntries:"#,
        mode = p.mode,
        bootstrap = p.bootstrap
    );
    let admin = if p.has(Mistake::AssumedRolePrincipal) {
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/platform-admin-{i:05}/session")
    } else {
        role(&format!("platform-admin-{i:05}"))
    };
    let username = if p.has(Mistake::ReservedUsername) {
        "amazon:platform-admin"
    } else if p.has(Mistake::SessionNameWithoutColon) {
        "admin{{SessionName}}"
    } else {
        p.username
    };
    line!(
        s,
        "    - principalARN: {admin}\n      type: {}\n      kubernetesUsername: \"{username}\"",
        if p.has(Mistake::InvalidType) {
            "Standard"
        } else {
            "STANDARD"
        }
    );
    if p.has(Mistake::ReservedGroup) {
        line!(s, "      kubernetesGroups:\n        - system:masters");
    }
    line!(s, "      accessPolicies:");
    if p.has(Mistake::NotAccessPolicy) {
        line!(
            s,
            "        - policyARN: arn:aws:iam::aws:policy/AmazonEKSClusterAdminPolicy"
        );
    } else {
        line!(s, "        - policyARN: {POLICY}{}", p.admin_policy);
    }
    line!(s, "          accessScope:");
    if p.has(Mistake::NamespaceScopeWithoutNamespaces) {
        line!(s, "            type: namespace");
    } else {
        line!(s, "            type: cluster");
        if p.has(Mistake::ClusterScopeWithNamespaces) {
            line!(s, "            namespaces: [kube-system]");
        }
    }
    let namespaces: Vec<String> = p.namespaces.iter().map(|n| format!("\"{n}\"")).collect();
    for t in &p.teams {
        line!(
            s,
            r#"    - principalARN: {}
      kubernetesGroups: [team-{t}]
      accessPolicies:
        - policyARN: {POLICY}{}
          accessScope:
            type: namespace
            namespaces: [{}]"#,
            role(&format!("team-{t}")),
            p.team_policy,
            namespaces.join(", ")
        );
    }
    if p.has(Mistake::ServiceLinkedRole) {
        line!(
            s,
            "    - principalARN: arn:aws:iam::{ACCOUNT}:role/aws-service-role/eks-nodegroup.amazonaws.com/AWSServiceRoleForAmazonEKSNodegroup"
        );
    } else {
        line!(
            s,
            "    - principalARN: {}",
            role(&format!("gen-node-{i:05}"))
        );
    }
    line!(s, "      type: {}", p.node_type);
    if p.has(Mistake::NonStandardGroups) {
        line!(s, "      kubernetesGroups: [node-extra]");
    }
    if p.has(Mistake::NonStandardUsername) {
        line!(s, "      kubernetesUsername: node-user");
    }
    if p.has(Mistake::PolicyOnNodeEntry) {
        line!(
            s,
            "      accessPolicies:\n        - policyARN: {POLICY}AmazonEKSViewPolicy\n          accessScope: {{type: cluster}}"
        );
    }
    let auditor = if p.has(Mistake::DuplicatePrincipal) {
        admin
    } else {
        role(&format!("auditor-{i:05}"))
    };
    line!(
        s,
        r#"    - principalARN: ${{CI_ROLE_ARN}}
      accessPolicies:
        - policyARN: {POLICY}AmazonEKSEditPolicy
          accessScope:
            type: namespace
            namespaces: [ci]
    - principalARN: {auditor}
      accessPolicies:
        - policyARN: {POLICY}AmazonEKSViewPolicy
          accessScope:
            type: cluster"#
    );
    s
}

/// `main.tf` of the single large module: its variables, locals and cluster.
fn module_main(p: &Plan) -> String {
    let mut s = String::new();
    line!(
        s,
        r#"variable "cluster_name" {{
  type    = string
  default = "big-cluster"
}}

variable "ci_role_arn" {{
  type = string
}}

locals {{
  account_id  = "{ACCOUNT}"
  view_policy = "{POLICY}{}"
  namespaces  = ["apps", "batch"]
}}

resource "aws_eks_cluster" "main" {{
  name     = var.cluster_name
  role_arn = "arn:aws:iam::{ACCOUNT}:role/big-cluster"

  vpc_config {{
    subnet_ids = ["subnet-0a", "subnet-0b"]
  }}

  access_config {{
    authentication_mode                         = "{}"
    bootstrap_cluster_creator_admin_permissions = false
  }}
}}

resource "aws_eks_access_entry" "ci" {{
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = var.ci_role_arn
}}"#,
        p.team_policy,
        if p.mode == "CONFIG_MAP" {
            "API"
        } else {
            p.mode
        }
    );
    s
}

/// File `i` of the single large module: five entries (two of them from a `for_each`) and five
/// associations, with names of their own; about one file in three has a mistake.
fn module_entries(i: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed, "module", i);
    let teams = rng.sample(&TEAMS, 2);
    let mistake = rng.chance(35).then(|| rng.range(0, 4));
    let kind = if mistake == Some(0) {
        "Standard"
    } else {
        "STANDARD"
    };
    let group = if mistake == Some(1) {
        "system:masters"
    } else {
        "developers"
    };
    let scope = if mistake == Some(2) {
        "namespace"
    } else {
        "cluster"
    };
    let policy = if mistake == Some(3) {
        "arn:aws:iam::aws:policy/AmazonEKSClusterAdminPolicy".to_string()
    } else {
        format!("{POLICY}AmazonEKSAdminPolicy")
    };
    let node = if mistake == Some(4) {
        "  kubernetes_groups = [\"node-extra\"]\n"
    } else {
        ""
    };
    let mut s = String::new();
    line!(
        s,
        r#"resource "aws_eks_access_entry" "admin_{i}" {{
  cluster_name      = aws_eks_cluster.main.name
  principal_arn     = "arn:aws:iam::${{local.account_id}}:role/admin-{i:05}"
  type              = "{kind}"
  kubernetes_groups = ["{group}"]
}}

resource "aws_eks_access_policy_association" "admin_{i}" {{
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = aws_eks_access_entry.admin_{i}.principal_arn
  policy_arn    = "{policy}"
  access_scope {{
    type = "{scope}"
  }}
}}

resource "aws_eks_access_entry" "team_{i}" {{
  for_each          = toset(["{}", "{}"])
  cluster_name      = aws_eks_cluster.main.name
  principal_arn     = "arn:aws:iam::${{local.account_id}}:role/team-${{each.key}}-{i:05}"
  kubernetes_groups = ["team-${{each.key}}"]
}}

resource "aws_eks_access_policy_association" "team_{i}" {{
  for_each      = aws_eks_access_entry.team_{i}
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = each.value.principal_arn
  policy_arn    = local.view_policy
  access_scope {{
    type       = "namespace"
    namespaces = local.namespaces
  }}
}}

resource "aws_eks_access_entry" "node_{i}" {{
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = "arn:aws:iam::{ACCOUNT}:role/node-{i:05}"
  type          = "EC2_LINUX"
{node}}}

resource "aws_eks_access_entry" "viewer_{i}" {{
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = "arn:aws:iam::${{local.account_id}}:role/${{var.cluster_name}}-viewer-{i:05}"
}}

resource "aws_eks_access_policy_association" "viewer_{i}" {{
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = aws_eks_access_entry.viewer_{i}.principal_arn
  policy_arn    = "{POLICY}AmazonEKSEditPolicy"
  access_scope {{
    type       = "namespace"
    namespaces = ["ci"]
  }}
}}"#,
        teams[0],
        teams[1]
    );
    s
}
