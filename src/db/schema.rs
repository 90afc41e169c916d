//! Table definitions shared by both backends. Written by hand (not by
//! `diesel print-schema`) because one schema must describe both migration trees.

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        role -> Text,
        organization_name -> Nullable<Text>,
        organization_uscc -> Nullable<Text>,
        password_hash -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    login_throttles (username) {
        username -> Text,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    log_heads (id) {
        id -> Integer,
        audit_seq -> BigInt,
        audit_hash -> Text,
        change_seq -> BigInt,
        write_count -> BigInt,
    }
}

diesel::table! {
    audit_events (seq) {
        seq -> BigInt,
        occurred_at -> Timestamp,
        actor_user_id -> Nullable<BigInt>,
        actor -> Text,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        detail -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    changes (seq) {
        seq -> BigInt,
        occurred_at -> Timestamp,
        entity_type -> Text,
        entity_id -> Text,
        action -> Text,
    }
}

diesel::table! {
    calendar_days (day) {
        day -> Date,
        kind -> Text,
        name -> Text,
    }
}

diesel::table! {
    settings (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    divisions (code) {
        code -> Text,
        name -> Text,
        parent_code -> Nullable<Text>,
        level -> Text,
    }
}

diesel::table! {
    qualification_types (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        kind -> Text,
        levels -> Text,
        issuer -> Text,
    }
}

diesel::table! {
    service_items (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        category -> Text,
        approval_items -> Text,
        department -> Text,
        requirement_kind -> Text,
        qualification_note -> Text,
        abbreviations -> Text,
        time_limit_days -> Integer,
        fee_basis -> Text,
        purpose -> Text,
        materials -> Text,
        provider -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    service_item_requirements (service_item_id, qualification_type_id) {
        service_item_id -> BigInt,
        qualification_type_id -> BigInt,
        min_level -> Nullable<Text>,
    }
}

diesel::table! {
    attachments (id) {
        id -> BigInt,
        sha256 -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        file_name -> Text,
        uploaded_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    agencies (id) {
        id -> BigInt,
        owner_user_id -> BigInt,
        name -> Text,
        uscc -> Text,
        legal_representative -> Text,
        region_code -> Text,
        address -> Text,
        contact_name -> Text,
        contact_phone -> Text,
        contact_email -> Text,
        business_scope -> Text,
        commitment_accepted -> Bool,
        status -> Text,
        status_reason -> Nullable<Text>,
        status_until -> Nullable<Timestamp>,
        submitted_at -> Nullable<Timestamp>,
        admitted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    agency_regions (agency_id, division_code) {
        agency_id -> BigInt,
        division_code -> Text,
    }
}

diesel::table! {
    agency_attachments (agency_id, attachment_id) {
        agency_id -> BigInt,
        attachment_id -> BigInt,
        label -> Text,
    }
}

diesel::table! {
    qualifications (id) {
        id -> BigInt,
        agency_id -> BigInt,
        qualification_type_id -> BigInt,
        level -> Nullable<Text>,
        certificate_no -> Text,
        issuer -> Text,
        valid_from -> Date,
        valid_until -> Date,
        scan_attachment_id -> Nullable<BigInt>,
        status -> Text,
        status_reason -> Nullable<Text>,
        verified_at -> Nullable<Timestamp>,
        expiry_warned_at -> Nullable<Timestamp>,
        expiry_published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    practitioners (id) {
        id -> BigInt,
        agency_id -> BigInt,
        name -> Text,
        certificate_type -> Text,
        certificate_no -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    offerings (id) {
        id -> BigInt,
        agency_id -> BigInt,
        service_item_id -> BigInt,
        title -> Text,
        description -> Text,
        whole_province -> Bool,
        price_basis -> Text,
        price_min_fen -> Nullable<BigInt>,
        price_max_fen -> Nullable<BigInt>,
        discount_min_permille -> Nullable<Integer>,
        discount_max_permille -> Nullable<Integer>,
        promised_days -> Integer,
        example_projects -> Text,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    offering_regions (offering_id, division_code) {
        offering_id -> BigInt,
        division_code -> Text,
    }
}

diesel::table! {
    messages (id) {
        id -> BigInt,
        user_id -> BigInt,
        subject -> Text,
        body -> Text,
        link -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    projects (id) {
        id -> BigInt,
        number -> Nullable<Text>,
        applicant_user_id -> BigInt,
        service_item_id -> BigInt,
        title -> Text,
        investment_code -> Nullable<Text>,
        region_code -> Text,
        scale_kind -> Text,
        scale_value -> BigInt,
        scale_unit -> Text,
        fiscal_share_percent -> Integer,
        service_content -> Text,
        service_days -> Integer,
        method -> Text,
        price_mode -> Text,
        amount_fen -> Nullable<BigInt>,
        floor_fen -> Nullable<BigInt>,
        ceiling_fen -> Nullable<BigInt>,
        rate_min_bp -> Nullable<Integer>,
        rate_max_bp -> Nullable<Integer>,
        weight_price -> Nullable<Integer>,
        weight_credit -> Nullable<Integer>,
        weight_time -> Nullable<Integer>,
        qualification_mode -> Text,
        contact_name -> Text,
        contact_phone -> Text,
        complaint_phone -> Text,
        signup_deadline -> Timestamp,
        selection_at -> Timestamp,
        direct_agency_id -> Nullable<BigInt>,
        direct_reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    project_states (project_id) {
        project_id -> BigInt,
        status -> Text,
        status_reason -> Nullable<Text>,
        round -> Integer,
        failed_rounds -> Integer,
        min_signups -> Integer,
        draw_secret -> Nullable<Text>,
        draw_commitment -> Nullable<Text>,
        winner_signup_id -> Nullable<BigInt>,
        submitted_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
        signups_closed_at -> Nullable<Timestamp>,
        selected_at -> Nullable<Timestamp>,
        confirmation_deadline -> Nullable<Timestamp>,
        confirmation_reminded_at -> Nullable<Timestamp>,
        publicity_ends_at -> Nullable<Timestamp>,
        awarded_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    project_requirements (project_id, qualification_type_id) {
        project_id -> BigInt,
        qualification_type_id -> BigInt,
        min_level -> Nullable<Text>,
    }
}

diesel::table! {
    project_avoidances (project_id, agency_id) {
        project_id -> BigInt,
        agency_id -> BigInt,
        reason -> Text,
    }
}

diesel::table! {
    signups (id) {
        id -> BigInt,
        project_id -> BigInt,
        round -> Integer,
        agency_id -> BigInt,
        user_id -> BigInt,
        quote_fen -> Nullable<BigInt>,
        quote_rate_bp -> Nullable<Integer>,
        promised_days -> Integer,
        draw_value -> Text,
        status -> Text,
        status_reason -> Nullable<Text>,
        rank -> Nullable<Integer>,
        ticket -> Nullable<Text>,
        score -> Nullable<BigInt>,
        credit_score -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        ip_address -> Nullable<Text>,
    }
}

diesel::table! {
    objections (id) {
        id -> BigInt,
        project_id -> BigInt,
        round -> Integer,
        filed_by -> BigInt,
        agency_id -> Nullable<BigInt>,
        signup_id -> Nullable<BigInt>,
        reason -> Text,
        status -> Text,
        outcome -> Nullable<Text>,
        answer -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    objection_attachments (objection_id, attachment_id) {
        objection_id -> BigInt,
        attachment_id -> BigInt,
    }
}

diesel::table! {
    idempotency_keys (user_id, idem_key) {
        user_id -> BigInt,
        idem_key -> Text,
        request_hash -> Text,
        status_code -> Integer,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    contracts (id) {
        id -> BigInt,
        project_id -> BigInt,
        signup_id -> BigInt,
        agency_id -> BigInt,
        recorded_by_party -> Text,
        recorded_by -> BigInt,
        amount_fen -> BigInt,
        start_date -> Date,
        end_date -> Date,
        key_terms -> Text,
        file_attachment_id -> BigInt,
        status -> Text,
        status_reason -> Nullable<Text>,
        recorded_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        completed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    deliveries (id) {
        id -> BigInt,
        contract_id -> BigInt,
        sequence -> Integer,
        summary -> Text,
        submitted_by -> BigInt,
        late -> Bool,
        status -> Text,
        status_reason -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    evaluations (id) {
        id -> BigInt,
        contract_id -> BigInt,
        agency_id -> BigInt,
        quality -> Integer,
        timeliness -> Integer,
        fees -> Integer,
        attitude -> Integer,
        comment -> Text,
        by_default -> Bool,
        public_from -> Timestamp,
        reply -> Nullable<Text>,
        replied_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    credit_events (id) {
        id -> BigInt,
        agency_id -> BigInt,
        points -> Integer,
        reason -> Text,
        evidence_attachment_id -> Nullable<BigInt>,
        recorded_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    complaints (id) {
        id -> BigInt,
        contract_id -> BigInt,
        agency_id -> BigInt,
        filed_by -> BigInt,
        reason -> Text,
        status -> Text,
        answer -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    deadline_marks (id) {
        id -> BigInt,
        step -> Text,
        project_id -> BigInt,
        due_at -> Timestamp,
        reminded_at -> Nullable<Timestamp>,
        overdue_at -> Nullable<Timestamp>,
        delivery_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    contract_stoppages (id) {
        id -> BigInt,
        contract_id -> BigInt,
        action -> Text,
        reason -> Text,
        proposed_by -> BigInt,
        proposed_by_party -> Text,
        status -> Text,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    delivery_files (delivery_id, attachment_id) {
        delivery_id -> BigInt,
        attachment_id -> BigInt,
    }
}

diesel::table! {
    contract_amendments (id) {
        id -> BigInt,
        contract_id -> BigInt,
        kind -> Text,
        new_end_date -> Nullable<Date>,
        new_amount_fen -> Nullable<BigInt>,
        reason -> Text,
        proposed_by_party -> Text,
        proposed_by -> BigInt,
        status -> Text,
        status_reason -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    approval_items (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        department -> Text,
        sort_order -> Integer,
    }
}

diesel::table! {
    approval_item_services (approval_item_id, service_item_id) {
        approval_item_id -> BigInt,
        service_item_id -> BigInt,
    }
}

diesel::table! {
    investment_projects (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        owner_name -> Text,
        owner_uscc -> Nullable<Text>,
        region_code -> Text,
        scale -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    investment_approvals (id) {
        id -> BigInt,
        investment_project_id -> BigInt,
        approval_item_id -> BigInt,
        state -> Text,
        state_note -> Nullable<Text>,
        state_changed_at -> Timestamp,
    }
}

diesel::table! {
    intermediary_steps (id) {
        id -> BigInt,
        investment_approval_id -> BigInt,
        service_item_id -> BigInt,
        project_id -> Nullable<BigInt>,
        linked_by -> Nullable<Text>,
        status -> Text,
        completed_at -> Nullable<Timestamp>,
        contract_id -> Nullable<BigInt>,
        agency_id -> Nullable<BigInt>,
        delivery_id -> Nullable<BigInt>,
        deliverable_sha256 -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    approval_events (id) {
        id -> BigInt,
        investment_project_id -> BigInt,
        step_id -> BigInt,
        kind -> Text,
        payload -> Text,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    signal_reviews (id) {
        id -> BigInt,
        signal_key -> Text,
        note -> Text,
        reviewed_by -> BigInt,
        reviewed_at -> Timestamp,
    }
}

diesel::table! {
    api_clients (id) {
        id -> BigInt,
        name -> Text,
        scopes -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> BigInt,
        url -> Text,
        secret -> Text,
        description -> Text,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        endpoint_id -> BigInt,
        event_id -> BigInt,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        last_attempt_at -> Nullable<Timestamp>,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));

diesel::joinable!(service_item_requirements -> service_items (service_item_id));
diesel::joinable!(service_item_requirements -> qualification_types (qualification_type_id));
diesel::joinable!(agencies -> users (owner_user_id));
diesel::joinable!(agencies -> divisions (region_code));
diesel::joinable!(agency_regions -> agencies (agency_id));
diesel::joinable!(qualifications -> agencies (agency_id));
diesel::joinable!(qualifications -> qualification_types (qualification_type_id));
diesel::joinable!(practitioners -> agencies (agency_id));
diesel::joinable!(offerings -> agencies (agency_id));
diesel::joinable!(offerings -> service_items (service_item_id));
diesel::joinable!(offering_regions -> offerings (offering_id));
diesel::joinable!(messages -> users (user_id));
diesel::joinable!(projects -> service_items (service_item_id));
diesel::joinable!(projects -> users (applicant_user_id));
diesel::joinable!(project_states -> projects (project_id));
diesel::joinable!(project_requirements -> projects (project_id));
diesel::joinable!(project_avoidances -> projects (project_id));
diesel::joinable!(signups -> projects (project_id));
diesel::joinable!(signups -> agencies (agency_id));
diesel::joinable!(objections -> projects (project_id));
diesel::joinable!(objection_attachments -> objections (objection_id));
diesel::joinable!(contracts -> projects (project_id));
diesel::joinable!(contracts -> agencies (agency_id));
diesel::joinable!(contract_amendments -> contracts (contract_id));
diesel::joinable!(deliveries -> contracts (contract_id));
diesel::joinable!(evaluations -> contracts (contract_id));
diesel::joinable!(complaints -> contracts (contract_id));
diesel::joinable!(delivery_files -> deliveries (delivery_id));
diesel::joinable!(approval_item_services -> approval_items (approval_item_id));
diesel::joinable!(approval_item_services -> service_items (service_item_id));
diesel::joinable!(investment_approvals -> investment_projects (investment_project_id));
diesel::joinable!(investment_approvals -> approval_items (approval_item_id));
diesel::joinable!(intermediary_steps -> investment_approvals (investment_approval_id));
diesel::joinable!(intermediary_steps -> service_items (service_item_id));
diesel::joinable!(intermediary_steps -> projects (project_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_deliveries -> approval_events (event_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    sessions,
    api_tokens,
    divisions,
    qualification_types,
    service_items,
    service_item_requirements,
    attachments,
    agencies,
    agency_regions,
    agency_attachments,
    qualifications,
    practitioners,
    offerings,
    offering_regions,
    messages,
    projects,
    project_states,
    project_requirements,
    project_avoidances,
    signups,
    objections,
    objection_attachments,
    idempotency_keys,
    contracts,
    contract_amendments,
    deliveries,
    delivery_files,
    evaluations,
    credit_events,
    complaints,
    deadline_marks,
    contract_stoppages,
    approval_items,
    approval_item_services,
    investment_projects,
    investment_approvals,
    intermediary_steps,
    approval_events,
    api_clients,
    webhook_endpoints,
    webhook_deliveries,
    signal_reviews,
);

// 电子监察 (migration 2026-11-29-000007_supervision): not joined with other tables.
diesel::table! {
    light_alerts (id) {
        id -> BigInt,
        step_kind -> Text,
        entity_id -> BigInt,
        due_at -> Timestamp,
        raised_at -> Timestamp,
    }
}

diesel::table! {
    audit_checkpoints (id) {
        id -> BigInt,
        seq -> BigInt,
        hash -> Text,
        verified_at -> Timestamp,
    }
}
