//! `#[derive(ActionNames)]`: a bivalent model's action names, from the
//! variants of its action enum. The trait and its documentation are
//! `checker::spec::ActionNames` (re-exported as `bivalent::spec::ActionNames`).
//!
//! - On an enum, each variant is one disjunct of `Next`, in declaration
//!   order; its name is the variant's, or `#[action(name = "...")]`, or the
//!   variant's name in the case `#[action(rename_all = "...")]` on the enum
//!   gives (`lowercase`, `UPPERCASE`, `snake_case`, `camelCase`).
//! - On a struct, the field marked `#[action]` names the action (its type
//!   derives `ActionNames` too); the other fields are its parameters.
//!
//! Two variants with the same name are a compile error. The generated code
//! names the trait through the facade, `::bivalent::spec::ActionNames`; a
//! crate that depends on the engine directly writes
//! `#[action(crate = "checker")]`.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::quote;
use syn::{parse_macro_input, Attribute, Data, DeriveInput, Error, Fields, LitStr};

/// Implements `ActionNames` (see the crate documentation).
#[proc_macro_derive(ActionNames, attributes(action))]
pub fn derive_action_names(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(tokens) => tokens.into(),
        Err(error) => error.to_compile_error().into(),
    }
}

/// What `#[action(...)]` on the type says.
struct Container {
    krate: syn::Path,
    rename_all: Option<(String, Span)>,
}

fn container(attrs: &[Attribute]) -> syn::Result<Container> {
    let mut krate: syn::Path = syn::parse_quote!(::bivalent);
    let mut rename_all = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("action")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                let path: LitStr = meta.value()?.parse()?;
                let mut parsed: syn::Path = path.parse()?;
                parsed.leading_colon = Some(Default::default());
                krate = parsed;
                Ok(())
            } else if meta.path.is_ident("rename_all") {
                let case: LitStr = meta.value()?.parse()?;
                if !CASES.contains(&case.value().as_str()) {
                    return Err(Error::new(
                        case.span(),
                        format!("unknown case `{}`; the cases are {}", case.value(), CASES.join(", ")),
                    ));
                }
                rename_all = Some((case.value(), case.span()));
                Ok(())
            } else {
                Err(meta.error(
                    "unknown `action` attribute on the type; expected `crate = \"...\"` or `rename_all = \"...\"`",
                ))
            }
        })?;
    }
    Ok(Container { krate, rename_all })
}

const CASES: &[&str] = &["lowercase", "UPPERCASE", "snake_case", "camelCase"];

/// `name` in `case` (one of [`CASES`]).
fn renamed(name: &str, case: &str) -> String {
    match case {
        "lowercase" => name.to_lowercase(),
        "UPPERCASE" => name.to_uppercase(),
        "snake_case" => {
            let mut out = String::new();
            for (i, c) in name.chars().enumerate() {
                if c.is_uppercase() && i > 0 {
                    out.push('_');
                }
                out.extend(c.to_lowercase());
            }
            out
        }
        _ => {
            let mut chars = name.chars();
            chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
        }
    }
}

/// The `name = "..."` of a variant's `#[action(...)]`, if any.
fn variant_name(attrs: &[Attribute]) -> syn::Result<Option<LitStr>> {
    let mut name = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("action")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                name = Some(meta.value()?.parse::<LitStr>()?);
                Ok(())
            } else {
                Err(meta.error("unknown `action` attribute on a variant; expected `name = \"...\"`"))
            }
        })?;
    }
    Ok(name)
}

fn expand(input: &DeriveInput) -> syn::Result<TokenStream2> {
    let container = container(&input.attrs)?;
    let krate = &container.krate;
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let (names, index) = match &input.data {
        Data::Enum(data) => {
            let mut names: Vec<(String, Span)> = Vec::new();
            let mut arms = Vec::new();
            for (i, variant) in data.variants.iter().enumerate() {
                let name = match (variant_name(&variant.attrs)?, &container.rename_all) {
                    (Some(name), _) => (name.value(), name.span()),
                    (None, Some((case, _))) => (renamed(&variant.ident.to_string(), case), variant.ident.span()),
                    (None, None) => (variant.ident.to_string(), variant.ident.span()),
                };
                if name.0.is_empty() {
                    return Err(Error::new(name.1, "an action name cannot be empty"));
                }
                if let Some(j) = names.iter().position(|(n, _)| *n == name.0) {
                    let first = &data.variants[j].ident;
                    return Err(Error::new(
                        name.1,
                        format!(
                            "two variants are named `{}` ({first} and {}); action names must differ, rename one \
                             with #[action(name = \"...\")]",
                            name.0, variant.ident
                        ),
                    ));
                }
                names.push(name);
                let variant = &variant.ident;
                arms.push(quote! { Self::#variant { .. } => #i, });
            }
            let names: Vec<&String> = names.iter().map(|(n, _)| n).collect();
            let index = if arms.is_empty() {
                quote! { match *self {} }
            } else {
                quote! { match self { #(#arms)* } }
            };
            (quote! { &[#(#names),*] }, index)
        }
        Data::Struct(data) => {
            let marked: Vec<(usize, &syn::Field)> = data
                .fields
                .iter()
                .enumerate()
                .filter(|(_, f)| f.attrs.iter().any(|a| a.path().is_ident("action")))
                .collect();
            let [(position, field)] = marked.as_slice() else {
                return Err(Error::new(
                    ident.span(),
                    "a struct that derives ActionNames marks exactly one field with #[action]: the field whose \
                     type (an enum deriving ActionNames) names the action; the other fields are its parameters",
                ));
            };
            let ty = &field.ty;
            let access = match (&data.fields, &field.ident) {
                (Fields::Named(_), Some(name)) => quote! { self.#name },
                _ => {
                    let index = syn::Index::from(*position);
                    quote! { self.#index }
                }
            };
            (
                quote! { <#ty as #krate::spec::ActionNames>::NAMES },
                quote! { #krate::spec::ActionNames::index(&#access) },
            )
        }
        Data::Union(_) => {
            return Err(Error::new(ident.span(), "ActionNames derives for enums and structs, not unions"))
        }
    };
    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics #krate::spec::ActionNames for #ident #ty_generics #where_clause {
            const NAMES: &'static [&'static str] = #names;
            #[inline]
            fn index(&self) -> usize {
                #index
            }
        }
    })
}
