//! The words EKS values are made of: principals, policies, entry types, modes, scopes,
//! usernames and groups, plus words that are wrong on purpose (near misses, control
//! characters, template syntax). Generators mostly pick from here, sometimes take raw text.

use arbitrary::{Result, Unstructured};

pub const WORDS: &[&str] = &[
    "arn:aws:iam::111122223333:role/admin",
    "arn:aws:iam::111122223333:role/path/to/ops",
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:group/devs",
    "arn:aws:iam::111122223333:root",
    "arn:aws:sts::111122223333:assumed-role/admin/session",
    "arn:aws:iam::111122223333:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS",
    "arn:aws:iam::444455556666:role/other",
    "arn:aws-cn:iam::111122223333:role/cn",
    "arn:aws:iam::1111:role/x",
    "arn:",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSSecretReaderPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAutoNodePolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSBogusPolicy",
    "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
    "STANDARD",
    "EC2_LINUX",
    "EC2_WINDOWS",
    "FARGATE_LINUX",
    "HYBRID_LINUX",
    "HYPERPOD_LINUX",
    "EC2",
    "Standard",
    "API",
    "API_AND_CONFIG_MAP",
    "CONFIG_MAP",
    "api",
    "cluster",
    "namespace",
    "Cluster",
    "kube-system",
    "default",
    "team-a",
    "Team_B",
    "kube-*",
    "*",
    "system:masters",
    "system:nodes",
    "system:bootstrappers",
    "eks:admin",
    "amazon:x",
    "admin",
    "{{SessionName}}",
    "admin:{{SessionName}}",
    "{{SessionNameRaw}}",
    "{{AccountID}}",
    "{{EC2PrivateDNSName}}",
    "my-cluster",
    "other-cluster",
    "-bad_name-",
    "us-east-1",
    "true",
    "false",
    "0",
    "-1",
    "1e400",
    "0x1F",
    "null",
    "",
    " ",
    ",",
    ":",
    "/",
    "${",
    "}",
    "$${x}",
    "%{",
    "${AWS::Region}",
    "${AWS::AccountId}",
    "${!Literal}",
    "AWS::NoValue",
    "AWS::Partition",
    "\u{202e}",
    "\u{1b}]0;title\u{7}",
    "\n::error::x",
    "\r",
    "ü😀",
    "\u{feff}",
];

/// A word: mostly from [`WORDS`], sometimes two joined, sometimes raw text from the input.
pub fn word(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0u8..=15)? {
        0 => short_text(u)?,
        1 => format!("{}{}", u.choose(WORDS)?, u.choose(WORDS)?),
        _ => u.choose(WORDS)?.to_string(),
    })
}

/// Up to 24 chars: mostly printable ASCII, some control and invisible characters, some any.
pub fn short_text(u: &mut Unstructured) -> Result<String> {
    let len = u.int_in_range(0usize..=24)?;
    let mut s = String::new();
    for _ in 0..len {
        s.push(match u.int_in_range(0u8..=9)? {
            0 => *u.choose(&[
                '\n', '\r', '\t', '\0', '\u{1b}', '\u{85}', '\u{2028}', '\u{202e}', '\u{feff}',
            ])?,
            1 => u.arbitrary::<char>()?,
            _ => char::from(u.int_in_range(0x20u8..=0x7e)?),
        });
    }
    Ok(s)
}

/// An identifier-like name (`a`, `admin`, `x_1`), from a small set so that names meet.
pub fn name(u: &mut Unstructured) -> Result<&'static str> {
    u.choose(&[
        "a", "b", "x", "admin", "ops", "name", "value", "key", "arn", "id", "k_1",
    ])
    .copied()
}
