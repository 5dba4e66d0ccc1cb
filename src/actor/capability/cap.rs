//! A capability: a name with an optional resource scope (`file.read:/docs/*`).

use std::borrow::Cow;
use std::fmt;

/// A permission: `name` (dotted, e.g. `file.read`) and an optional resource `scope` where `*`
/// matches any run of characters. No scope means every resource.
///
/// ```
/// use katalyst::actor::capability::Capability;
/// let c = Capability::parse("file.read:/docs/*").unwrap();
/// assert_eq!((&*c.name, c.scope.as_deref()), ("file.read", Some("/docs/*")));
/// assert!(c.covers_scope(Some("/docs/a.txt")));
/// assert!(!c.covers_scope(Some("/etc/passwd")));
/// assert_eq!(c.to_string(), "file.read:/docs/*");
/// assert!(Capability::parse("").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Capability {
    /// What may be done (static names cost no allocation, so requirements are cheap to build
    /// per message).
    pub name: Cow<'static, str>,
    /// On which resources (glob); `None`: all.
    pub scope: Option<Cow<'static, str>>,
}

impl Capability {
    /// A capability on every resource.
    ///
    /// ```
    /// let c = katalyst::actor::capability::Capability::new("admin");
    /// assert!(c.scope.is_none());
    /// ```
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        Capability {
            name: name.into(),
            scope: None,
        }
    }

    /// A capability limited to `scope`.
    ///
    /// ```
    /// let c = katalyst::actor::capability::Capability::scoped("read", "/a/*");
    /// assert_eq!(c.to_string(), "read:/a/*");
    /// ```
    pub fn scoped(name: impl Into<Cow<'static, str>>, scope: impl Into<Cow<'static, str>>) -> Self {
        Capability {
            name: name.into(),
            scope: Some(scope.into()),
        }
    }

    /// Parses `name` or `name:scope`; the name is 1 to 128 bytes of `[A-Za-z0-9._-]`.
    ///
    /// See [`Capability`] for an example.
    pub fn parse(s: &str) -> Result<Self, String> {
        let (name, scope) = match s.split_once(':') {
            Some((n, sc)) => (n, Some(Cow::Owned(sc.to_string()))),
            None => (s, None),
        };
        let ok = !name.is_empty()
            && name.len() <= 128
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if !ok {
            return Err(format!(
                "capability: expected `name` or `name:scope` with a name of 1 to 128 characters [A-Za-z0-9._-], got {s:?}"
            ));
        }
        Ok(Capability {
            name: Cow::Owned(name.to_string()),
            scope,
        })
    }

    /// Whether this capability's scope covers `resource` (`None`: the message names none).
    /// A scoped capability does not cover an unscoped need.
    ///
    /// See [`Capability`] for an example.
    pub fn covers_scope(&self, resource: Option<&str>) -> bool {
        match (&self.scope, resource) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(pattern), Some(r)) => glob(pattern.as_bytes(), r.as_bytes()),
        }
    }

    pub(crate) fn canonical(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.name.len() + 8);
        v.extend_from_slice(&(self.name.len() as u32).to_le_bytes());
        v.extend_from_slice(self.name.as_bytes());
        match &self.scope {
            Some(s) => {
                v.push(1);
                v.extend_from_slice(s.as_bytes());
            }
            None => v.push(0),
        }
        v
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.scope {
            Some(s) => write!(f, "{}:{}", self.name, s),
            None => f.write_str(&self.name),
        }
    }
}

/// Glob match with `*` (any run, including `/`); iterative with backtracking to the last star.
pub(crate) fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while p < pattern.len() && pattern[p] == b'*' {
        p += 1;
    }
    p == pattern.len()
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn glob_matches_like_a_reference() {
        // Reference: a regex-free recursive matcher.
        fn reference(p: &[u8], t: &[u8]) -> bool {
            match (p.first(), t.first()) {
                (None, None) => true,
                (Some(b'*'), _) => {
                    reference(&p[1..], t) || (!t.is_empty() && reference(p, &t[1..]))
                }
                (Some(a), Some(b)) if a == b => reference(&p[1..], &t[1..]),
                _ => false,
            }
        }
        let pats = ["", "*", "/docs/*", "a*b*c", "*.txt", "/a/*/b", "**", "x"];
        let texts = [
            "",
            "x",
            "/docs/",
            "/docs/a/b.txt",
            "abc",
            "aXbYc",
            "acb",
            "/a/q/b",
            "/a//b",
        ];
        for p in pats {
            for t in texts {
                assert_eq!(
                    glob(p.as_bytes(), t.as_bytes()),
                    reference(p.as_bytes(), t.as_bytes()),
                    "{p} {t}"
                );
            }
        }
    }
}
